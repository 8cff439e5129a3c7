#include "dedup/fold.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace concerto::dedup {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using Words = std::vector<std::string>;

struct TextCase {
  std::string_view input;
  std::string_view folded;
};

struct TitleCase {
  std::string_view title;
  Words words;
  Words parts;
};

struct PlaceCase {
  std::string_view place;
  Words words;
  bool online;
};

struct Pair {
  std::string_view a;
  std::string_view b;
};

// Deterministic bytes for the robustness tests (xorshift64).
std::string random_bytes(std::uint64_t& state, std::size_t size) {
  std::string bytes(size, '\0');
  for (char& byte : bytes) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    byte = static_cast<char>(state & 0xFF);
  }
  return bytes;
}

// What any key must look like, whatever the input.
void expect_well_formed(const std::vector<std::string>& words) {
  for (std::size_t k = 0; k < words.size(); ++k) {
    EXPECT_FALSE(words[k].empty());
    EXPECT_EQ(words[k].find(' '), std::string::npos) << words[k];
    if (k > 0) {
      EXPECT_LT(words[k - 1], words[k]);  // sorted, unique
    }
  }
}

// ------------------------------------------------------------------------------------------------
// fold_text

TEST(FoldText, FoldsTheHeaderExample) { EXPECT_EQ(fold_text("L'Été  2026 !"), "l ete 2026"); }

TEST(FoldText, FoldsCaseAccentsAndLigaturesOfLatin1AndLatinExtendedA) {
  const TextCase cases[] = {
      {"éèêë àâä îï ôö ùûü ç ÿ ñ", "eeee aaa ii oo uuu c y n"},
      {"ÉÈÊË ÀÂÄ ÎÏ ÔÖ ÙÛÜ Ç Ÿ Ñ", "eeee aaa ii oo uuu c y n"},
      {"Œuvre, cœur", "oeuvre coeur"},
      {"Æsthète, ex æquo", "aesthete ex aequo"},
      {"Straße", "strasse"},
      {"Łódź, Dvořák, Ångström", "lodz dvorak angstrom"},
      {"İstanbul Şişli", "istanbul sisli"},
      {"Cafe\u0301 de\u0301compose\u0301", "cafe decompose"},  // combining accents (NFD)
      {"partici\u00ADpation", "participation"},                // soft hyphen
      {"ÀLA CARTE", "ala carte"},
  };
  for (const TextCase& c : cases) EXPECT_EQ(fold_text(c.input), c.folded) << c.input;
}

TEST(FoldText, TurnsTypographicPunctuationAndNoBreakSpacesIntoSeparators) {
  const TextCase cases[] = {
      {"« Nantes » – “forum” — ‘ici’…", "nantes forum ici"},
      {"l’innovation", "l innovation"},
      {"Rencontres\u00A0nationales", "rencontres nationales"},
      {"Atelier\u202F:\u202Fvélo", "atelier velo"},
      {"Nord & Est", "nord est"},
      {"  ---  ", ""},
      {"a\tb\nc\r\nd", "a b c d"},
      {"Forum 📅 2026 ✨", "forum 2026"},
      {"10 × 20 ÷ 2", "10 20 2"},
  };
  for (const TextCase& c : cases) EXPECT_EQ(fold_text(c.input), c.folded) << c.input;
}

TEST(FoldText, KeepsDigitsAsWordCharacters) {
  EXPECT_EQ(fold_text("COP21, 4e édition"), "cop21 4e edition");
  EXPECT_EQ(fold_text("1/2"), "1 2");
}

TEST(FoldText, KeepsOtherScriptsAsTheyAre) {
  const TextCase cases[] = {
      {"Αθήνα 2026", "Αθήνα 2026"},  // Greek not lower-cased
      {"Москва — Nantes", "Москва nantes"},
      {"東京フォーラム", "東京フォーラム"},
      {"Café東京", "cafe東京"},     // a run of other letters is part of the word
      {"東京、大阪", "東京 大阪"},  // ideographic comma separates
  };
  for (const TextCase& c : cases) EXPECT_EQ(fold_text(c.input), c.folded) << c.input;
}

TEST(FoldText, TreatsInvalidUtf8AsSeparators) {
  const TextCase cases[] = {
      {"ab\xFF"
       "cd",
       "ab cd"},
      {"caf\xC3", "caf"},  // truncated sequence
      {"caf\xE9", "caf"},  // Latin-1, not UTF-8
      {"a\xC0\xAF"
       "b",
       "a b"},  // overlong "/"
      {"a\xED\xA0\x80"
       "b",
       "a b"},  // surrogate
      {"a\xF4\x90\x80\x80"
       "b",
       "a b"},               // past U+10FFFF
      {"\x80\x80\x80", ""},  // continuation bytes alone
      {"Rencontres\xC3(nationales", "rencontres nationales"},
  };
  for (const TextCase& c : cases) EXPECT_EQ(fold_text(c.input), c.folded) << c.input;
}

TEST(FoldText, ReturnsEmptyForEmptyOrBlankInput) {
  EXPECT_EQ(fold_text(""), "");
  EXPECT_EQ(fold_text(" \u00A0\t "), "");
}

TEST(FoldText, IsIdempotent) {
  const std::string_view inputs[] = {"L'Été  2026 !", "Cité des Congrès, 5 rue de Valmy",
                                     "Αθήνα — Œuvre",
                                     "ab\xFF"
                                     "cd"};
  for (std::string_view input : inputs) {
    const std::string once = fold_text(input);
    EXPECT_EQ(fold_text(once), once) << input;
  }
}

// ------------------------------------------------------------------------------------------------
// fold_title: words

TEST(FoldTitle, KeepsTheSignificantWordsSortedAndUnique) {
  const TitleCase cases[] = {
      {"4e Rencontres nationales de la participation 2026",
       {"nationale", "participation", "rencontre"},
       {}},
      {"Nantes Innovation Forum", {"forum", "innovation", "nante"}, {}},
      {"Forum de l'innovation – Nantes", {"forum", "innovation", "nante"}, {}},
      {"Conseil de quartier Nord & Est", {"conseil", "est", "nord", "quartier"}, {}},
      {"Forum, forum, FORUM !", {"forum"}, {}},
      {"Forum 360", {"360", "forum"}, {}},
      {"Code 18", {"18", "code"}, {}},
      {"Les 24h du Mans", {"24h", "man"}, {}},     // no plural taken off words with digits
      {"Rencontres II", {"ii", "rencontre"}, {}},  // a roman numeral is a word after "rencontres"
      {"Louis XIV et Versailles", {"loui", "versaille", "xiv"}, {}},
      {"Vitamine C", {"c", "vitamine"}, {}},  // single letters are words without an apostrophe
      {"Impression 3D", {"3d", "impression"}, {}},  // "3D" is not "3rd"
      {"Ma vie en vélo", {"velo", "vie"}, {}},      // "vie" is not a roman ordinal
  };
  for (const TitleCase& c : cases) {
    const TitleKey key = fold_title(c.title);
    EXPECT_EQ(key.words, c.words) << c.title;
    EXPECT_EQ(key.part_numbers, c.parts) << c.title;
  }
}

TEST(FoldTitle, DropsElisionsBeforeAnApostrophe) {
  const TitleCase cases[] = {
      {"l'innovation", {"innovation"}, {}},
      {"L’Innovation", {"innovation"}, {}},
      {"Journée d'étude", {"etude", "journee"}, {}},
      {"J'aime ma ville", {"aime", "ville"}, {}},
      {"Qu'est-ce qu’un quartier ?", {"est", "quartier"}, {}},
      {"N'oubliez pas", {"oubliez"}, {}},
      {"S'inscrire", {"inscrire"}, {}},
      {"C'est l'été", {"est", "ete"}, {}},
      {"M’amuser, t’inviter", {"amuser", "inviter"}, {}},
      {"Jusqu'au bout", {"bout"}, {}},
      {"Women's Day", {"day", "women"}, {}},  // English possessive
  };
  for (const TitleCase& c : cases) {
    const TitleKey key = fold_title(c.title);
    EXPECT_EQ(key.words, c.words) << c.title;
    EXPECT_EQ(key.part_numbers, c.parts) << c.title;
  }
}

TEST(FoldTitle, DropsFrenchAndEnglishStopWords) {
  const TitleCase cases[] = {
      {"Le la les un une des du de d l au aux en et ou pour par sur avec dans à chez", {}, {}},
      {"the a an of and or for to in on at with by from", {}, {}},
      {"The Art of War", {"art", "war"}, {}},
      {"Pour une ville avec ses habitants", {"habitant", "ville"}, {}},
      {"Sciences & société", {"science", "societe"}, {}},
  };
  for (const TitleCase& c : cases) {
    const TitleKey key = fold_title(c.title);
    EXPECT_EQ(key.words, c.words) << c.title;
    EXPECT_EQ(key.part_numbers, c.parts) << c.title;
  }
}

TEST(FoldTitle, DropsOrdinalsHoweverTheyAreWritten) {
  const std::string_view ordinals[] = {"1er",
                                       "1re",
                                       "1ere",
                                       "1ère",
                                       "1ᵉʳ",
                                       "2e",
                                       "2ᵉ",
                                       "2ème",
                                       "2eme",
                                       "2ieme",
                                       "2nd",
                                       "2nde",
                                       "3rd",
                                       "4th",
                                       "21st",
                                       "4E",
                                       "1ers",
                                       "1ères",
                                       "premier",
                                       "Première",
                                       "premières",
                                       "deuxième",
                                       "DEUXIEME",
                                       "troisième",
                                       "dixième",
                                       "second",
                                       "seconde",
                                       "first",
                                       "third",
                                       "twentieth",
                                       "XXIe",
                                       "IIIème",
                                       "Ier",
                                       "IIe",
                                       "Vingt-et-unième",
                                       "dix-huitième",
                                       "quatre-vingt-dixième",
                                       "twenty-first"};
  for (std::string_view ordinal : ordinals) {
    const std::string title = std::string(ordinal) + " Forum";
    const TitleKey key = fold_title(title);
    EXPECT_THAT(key.words, ElementsAre("forum")) << title;
    EXPECT_THAT(key.part_numbers, IsEmpty()) << title;
  }
}

TEST(FoldTitle, KeepsNumberWordsThatAreNotPartOfAnOrdinal) {
  EXPECT_THAT(fold_title("Vingt ans de Forum").words, ElementsAre("ans", "forum", "vingt"));
  EXPECT_THAT(fold_title("Dix-huit Forum").words, ElementsAre("dix", "forum", "huit"));
}

TEST(FoldTitle, DropsYearsFrom1900To2099) {
  const TitleCase cases[] = {
      {"Forum 1900", {"forum"}, {}},         {"Forum 2026", {"forum"}, {}},
      {"Forum 2099", {"forum"}, {}},         {"Forum 1899", {"1899", "forum"}, {}},
      {"Forum 2100", {"2100", "forum"}, {}}, {"Saison 2025-2026", {"saison"}, {}},
      {"Saison 2025/26", {"saison"}, {}},    {"Saison 2025-26", {"saison"}, {}},
      {"Forum2026", {"forum2026"}, {}},  // not a standalone number
  };
  for (const TitleCase& c : cases) {
    const TitleKey key = fold_title(c.title);
    EXPECT_EQ(key.words, c.words) << c.title;
    EXPECT_EQ(key.part_numbers, c.parts) << c.title;
  }
}

TEST(FoldTitle, DropsEditionWords) {
  EXPECT_THAT(fold_title("Édition 2026 du Salon").words, ElementsAre("salon"));
  EXPECT_THAT(fold_title("Salon, éditions 2025 et 2026").words, ElementsAre("salon"));
}

TEST(FoldTitle, TakesAPluralSOrXOffWordsLongerThanThreeLetters) {
  const TitleCase cases[] = {
      {"Rencontres", {"rencontre"}, {}},
      {"Nationaux", {"national"}, {}},
      {"Bureaux", {"bureau"}, {}},
      {"Jeux", {"jeu"}, {}},
      {"Bus", {"bus"}, {}},  // three letters: kept
      {"Gaz", {"gaz"}, {}},
      {"Jeu", {"jeu"}, {}},
  };
  for (const TitleCase& c : cases) {
    const TitleKey key = fold_title(c.title);
    EXPECT_EQ(key.words, c.words) << c.title;
    EXPECT_EQ(key.part_numbers, c.parts) << c.title;
  }
}

TEST(FoldTitle, LeavesUrlsOut) {
  EXPECT_THAT(fold_title("Inscription sur https://nantes.fr/agenda?id=3").words,
              ElementsAre("inscription"));
  EXPECT_THAT(fold_title("Visite (www.example.org)").words, ElementsAre("visite"));
}

// ------------------------------------------------------------------------------------------------
// fold_title: part numbers

TEST(FoldTitle, ReadsThePartNumbersOfTheHeader) {
  const TitleCase cases[] = {
      {"Atelier #2", {"atelier"}, {"2"}},
      {"session 1/2", {"session"}, {"1", "2"}},
      {"partie 3", {"partie"}, {"3"}},
      {"part II", {"part"}, {"2"}},
      {"n°4", {}, {"4"}},
      {"épisode 5", {"episode"}, {"5"}},
      {"module 2", {"module"}, {"2"}},
      {"séance 3", {"seance"}, {"3"}},
  };
  for (const TitleCase& c : cases) {
    const TitleKey key = fold_title(c.title);
    EXPECT_EQ(key.words, c.words) << c.title;
    EXPECT_EQ(key.part_numbers, c.parts) << c.title;
  }
}

TEST(FoldTitle, ReadsPartNumbersAfterSeriesWordsAndNumberingSigns) {
  const TitleCase cases[] = {
      {"Atelier #1 : mobilité", {"atelier", "mobilite"}, {"1"}},
      {"Atelier n°2 - Mobilité", {"atelier", "mobilite"}, {"2"}},
      {"Atelier nº 2", {"atelier"}, {"2"}},
      {"Atelier N° 7 : vélo", {"atelier", "velo"}, {"7"}},
      {"Atelier № 7", {"atelier"}, {"7"}},
      {"Atelier nᵒ 7", {"atelier"}, {"7"}},
      {"Conférence No. 3", {"conference"}, {"3"}},
      {"Conférence numéro 3", {"conference"}, {"3"}},
      {"Conférence num 3", {"conference"}, {"3"}},
      {"Apéro #12", {"apero"}, {"12"}},
      {"#3 Apéro", {"apero"}, {"3"}},
      {"Atelier\u202F#2", {"atelier"}, {"2"}},
      {"Atelier 02", {"atelier"}, {"2"}},
      {"Ateliers 3", {"atelier"}, {"3"}},
      {"Volet 4", {"volet"}, {"4"}},
      {"Cycle 2", {"cycle"}, {"2"}},
      {"Jour 1", {"jour"}, {"1"}},
      {"Day 2", {"day"}, {"2"}},
      {"Week 3", {"week"}, {"3"}},
      {"Semaine 12", {"semaine"}, {"12"}},
      {"Chapitre 9", {"chapitre"}, {"9"}},
      {"Niveau 1", {"niveau"}, {"1"}},
      {"Saison 3 épisode 2", {"episode", "saison"}, {"3", "2"}},
      {"Conférence (2/3)", {"conference"}, {"2", "3"}},
      {"Atelier 1/2 : vélo", {"atelier", "velo"}, {"1", "2"}},
  };
  for (const TitleCase& c : cases) {
    const TitleKey key = fold_title(c.title);
    EXPECT_EQ(key.words, c.words) << c.title;
    EXPECT_EQ(key.part_numbers, c.parts) << c.title;
  }
}

TEST(FoldTitle, ReadsRomanNumeralsAfterSeriesWords) {
  const TitleCase cases[] = {
      {"Part I", {"part"}, {"1"}},
      {"Partie IV : la ville", {"partie", "ville"}, {"4"}},
      {"Module X : sécurité", {"module", "securite"}, {"10"}},
      {"Partie XIV", {"partie"}, {"14"}},
      {"Session xx", {"session"}, {"20"}},
      {"Atelier IA", {"atelier", "ia"}, {}},  // not a roman numeral
      {"Atelier vie", {"atelier", "vie"}, {}},
      {"Atelier DIY", {"atelier", "diy"}, {}},
  };
  for (const TitleCase& c : cases) {
    const TitleKey key = fold_title(c.title);
    EXPECT_EQ(key.words, c.words) << c.title;
    EXPECT_EQ(key.part_numbers, c.parts) << c.title;
  }
}

TEST(FoldTitle, ReadsListsOfPartNumbers) {
  const TitleCase cases[] = {
      {"Ateliers 1 et 2", {"atelier"}, {"1", "2"}},
      {"Sessions 1, 2 & 3", {"session"}, {"1", "2", "3"}},
      {"Séances 1 à 3", {"seance"}, {"1", "3"}},
      {"Jours 1-2", {"jour"}, {"1", "2"}},
      {"Parts I and II", {"part"}, {"1", "2"}},
      {"Atelier 1 et mobilité", {"atelier", "mobilite"}, {"1"}},
  };
  for (const TitleCase& c : cases) {
    const TitleKey key = fold_title(c.title);
    EXPECT_EQ(key.words, c.words) << c.title;
    EXPECT_EQ(key.part_numbers, c.parts) << c.title;
  }
}

TEST(FoldTitle, ReadsNoPartNumberInYearsOrdinalsDatesOrPlainNumbers) {
  const TitleCase cases[] = {
      {"Session 2026", {"session"}, {}},
      {"Atelier #2026", {"atelier"}, {}},
      {"Atelier 1er", {"atelier"}, {}},
      {"2e atelier", {"atelier"}, {}},
      {"Atelier 14 mars", {"14", "atelier", "mar"}, {}},  // a day of the month
      {"Session du 3", {"3", "session"}, {}},
      {"Soirée du 12/03/2026", {"12", "3", "soiree"}, {}},
      {"Soirée 12/03", {"12", "3", "soiree"}, {}},  // not a fraction: 12 above 3
      {"Forum 360", {"360", "forum"}, {}},
      {"Code 18", {"18", "code"}, {}},
      {"Rencontre 2", {"2", "rencontre"}, {}},    // "rencontre" is not a series word
      {"Atelier 1234", {"1234", "atelier"}, {}},  // four digits: not a part number
      {"Atelier de 2 heures", {"2", "atelier", "heure"}, {}},
  };
  for (const TitleCase& c : cases) {
    const TitleKey key = fold_title(c.title);
    EXPECT_EQ(key.words, c.words) << c.title;
    EXPECT_EQ(key.part_numbers, c.parts) << c.title;
  }
}

// ------------------------------------------------------------------------------------------------
// fold_title: equivalences

TEST(FoldTitle, GivesTheSameWordsToEquivalentWordings) {
  const Pair pairs[] = {
      {"4e Rencontres nationales de la participation 2026",
       "Les Rencontres Nationales de la Participation"},
      {"Nantes Innovation Forum", "Forum de l'innovation – Nantes"},
      {"Atelier #1 : mobilité", "Atelier n°2 - Mobilité"},
      {"Conseil de quartier Nord & Est", "Conseil de quartier nord et est"},
      {"1ère édition du Salon de l'emploi", "Salon de l’emploi 2025"},
      {"Rencontre nationale", "Rencontres nationales"},
      {"Journées européennes du patrimoine", "JOURNÉES EUROPÉENNES DU PATRIMOINE"},
      {"Journees europeennes du patrimoine", "Journées européennes du patrimoine"},
      {"Fête de la musique 2026", "fete de la Musique"},
      {"The 21st Annual Tech Meetup", "Annual tech meetup 2026"},
      {"Premier festival des jeux", "1er Festival du jeu"},
      {"Deuxième forum des métiers", "2ème Forum des métiers"},
      {"Salon des vins régionaux", "Salon du vin régional"},
      {"Vingt-et-unième Rencontres du cinéma", "21es rencontres du cinéma"},
      {"XXIe Rencontres du cinéma", "Rencontres du cinéma"},
      {"Conférence : l'IA et l'emploi", "Conférence IA & emploi"},
      {"Journée d'étude sur l'économie sociale", "Journée d’étude — économie sociale"},
      {"Cafe\u0301 des langues", "Café des langues"},
      {"Nantes\u00A0Digital\u202FWeek", "Nantes Digital Week"},
      {"« Forum » de l’emploi…", "Forum emploi"},
      {"Saint-Nazaire en fête", "Saint Nazaire en fête"},
      {"Session 1 : mobilité", "Session #2 : mobilité"},
  };
  for (const Pair& pair : pairs) {
    EXPECT_EQ(fold_title(pair.a).words, fold_title(pair.b).words) << pair.a << " / " << pair.b;
  }
}

TEST(FoldTitle, KeepsDifferentEventsApart) {
  const Pair pairs[] = {
      {"Forum 360", "Forum 180"},
      {"Code 18", "Code 19"},
      {"Conseil de quartier Nord", "Conseil de quartier Sud"},
      {"Rencontres nationales", "Rencontres régionales"},
      {"Impression 3D", "Impression"},
      {"Ma vie en vélo", "Mon vélo"},
      {"Plan B", "Plan C"},
      {"Forum 1899", "Forum 1900"},
      {"Atelier IA", "Atelier"},
      {"Москва", "Nantes"},
  };
  for (const Pair& pair : pairs) {
    EXPECT_NE(fold_title(pair.a).words, fold_title(pair.b).words) << pair.a << " / " << pair.b;
  }
}

TEST(FoldTitle, TellsNumberedPartsApartWhileTheirWordsAreEqual) {
  const Pair pairs[] = {
      {"Atelier #1 : mobilité", "Atelier n°2 - Mobilité"},
      {"Session 1/2", "Session 2/2"},
      {"Partie I", "Partie II"},
      {"Jour 1 du festival", "Jour 2 du festival"},
  };
  for (const Pair& pair : pairs) {
    const TitleKey a = fold_title(pair.a);
    const TitleKey b = fold_title(pair.b);
    EXPECT_EQ(a.words, b.words) << pair.a << " / " << pair.b;
    EXPECT_FALSE(a.part_numbers.empty()) << pair.a;
    EXPECT_FALSE(b.part_numbers.empty()) << pair.b;
    EXPECT_NE(a.part_numbers, b.part_numbers) << pair.a << " / " << pair.b;
  }
}

TEST(FoldTitle, ReadsTheSamePartNumberWhateverTheNotation) {
  const std::string_view titles[] = {"Atelier 2",        "Atelier #2",   "Atelier n°2",
                                     "Atelier nº2",      "Atelier N° 2", "Atelier no 2",
                                     "Atelier numéro 2", "Atelier II",   "Atelier 02"};
  for (std::string_view title : titles) {
    const TitleKey key = fold_title(title);
    EXPECT_THAT(key.words, ElementsAre("atelier")) << title;
    EXPECT_THAT(key.part_numbers, ElementsAre("2")) << title;
  }
}

// ------------------------------------------------------------------------------------------------
// fold_place

TEST(FoldPlace, KeepsVenueCityAndPostcodeAndDropsStreetWordsAndHouseNumbers) {
  const PlaceCase cases[] = {
      {"Cité des Congrès, 5 rue de Valmy, 44000 Nantes",
       {"44000", "cite", "congre", "nante", "valmy"},
       false},
      {"Cité des congrès de Nantes", {"cite", "congre", "nante"}, false},
      {"12 bis avenue Jean Jaurès", {"jaure", "jean"}, false},
      {"5bis bd Léon Bureau", {"bureau", "leon"}, false},
      {"12b, boulevard de la Prairie-au-Duc", {"duc", "prairie"}, false},
      {"3 allée des Tanneurs", {"tanneur"}, false},
      {"Quai des Antilles", {"antille"}, false},
      {"Impasse du Moulin", {"moulin"}, false},
      {"Chemin de la Côte", {"cote"}, false},
      {"Route de Vannes", {"vanne"}, false},
      {"Cours Cambronne", {"cambronne"}, false},
      {"1 av. de la Gare", {"gare"}, false},
      {"Rue du 8 Mai 1945", {"mai"}, false},  // a street named after a date
      {"44000 Nantes Cedex 1", {"44000", "nante"}, false},
      {"Salle n°3, Maison de quartier", {"maison", "quartier", "salle"}, false},
      {"Salle 2026", {"salle"}, false},  // four digits: a room, not a postcode
      {"2e étage, Médiathèque", {"etage", "mediatheque"}, false},
      {"Hôtel de Ville, 75004 Paris", {"75004", "hotel", "pari", "ville"}, false},
  };
  for (const PlaceCase& c : cases) {
    const PlaceKey key = fold_place(c.place);
    EXPECT_EQ(key.words, c.words) << c.place;
    EXPECT_EQ(key.online, c.online) << c.place;
  }
}

TEST(FoldPlace, DropsPlaceAndOtherStreetWordsOnlyBeforeAName) {
  const PlaceCase cases[] = {
      {"Place Royale", {"royale"}, false},
      {"Place Royale, Nantes", {"nante", "royale"}, false},
      {"Place de la République", {"republique"}, false},
      {"Café de la Place", {"cafe", "place"}, false},
      {"Café de la Place, 3 place du Change", {"cafe", "change", "place"}, false},
      {"Le Quai, Angers", {"anger", "quai"}, false},
      {"Théâtre de la Rue", {"rue", "theatre"}, false},
      {"Place", {"place"}, false},
  };
  for (const PlaceCase& c : cases) {
    const PlaceKey key = fold_place(c.place);
    EXPECT_EQ(key.words, c.words) << c.place;
    EXPECT_EQ(key.online, c.online) << c.place;
  }
}

TEST(FoldPlace, RecognisesOnlinePlacesAndLeavesTheirMarkersOut) {
  const std::string_view places[] = {
      "En ligne (Zoom)",
      "Online",
      "Webinaire",
      "Webinaires",
      "https://zoom.us/j/123",
      "HTTP://EXAMPLE.ORG/live",
      "www.nantes.fr",
      "meet.google.com/abc-defg-hij",
      "Visio",
      "Visioconférence",
      "En distanciel",
      "À distance",
      "Virtuel",
      "Virtual event",
      "Microsoft Teams",
      "Google Meet",
      "Jitsi",
      "Webinar (lien envoyé après inscription)",
      "En ligne : https://us02web.zoom.us/j/8123?pwd=abc",
      "Online – live on YouTube",
  };
  for (std::string_view place : places) {
    const PlaceKey key = fold_place(place);
    EXPECT_TRUE(key.online) << place;
    if (place == "Virtual event") {
      EXPECT_THAT(key.words, ElementsAre("event")) << place;
    } else {
      EXPECT_THAT(key.words, IsEmpty()) << place;
    }
    EXPECT_FALSE(key.empty()) << place;
  }
}

TEST(FoldPlace, KeepsTheRoomOfAHybridEvent) {
  const PlaceKey key = fold_place("Cité des congrès + Zoom");
  EXPECT_TRUE(key.online);
  EXPECT_THAT(key.words, ElementsAre("cite", "congre"));
}

TEST(FoldPlace, IsNotOnlineWithoutAMarker) {
  const PlaceCase cases[] = {
      {"Cité des Congrès", {"cite", "congre"}, false},
      {"La Ligne, Nantes", {"ligne", "nante"}, false},  // "ligne" without "en"
      {"Lien social, maison de quartier", {"lien", "maison", "quartier", "social"}, false},
      {"St.Nazaire/Nantes", {"nante", "nazaire", "st"}, false},  // not a host name
  };
  for (const PlaceCase& c : cases) {
    const PlaceKey key = fold_place(c.place);
    EXPECT_EQ(key.words, c.words) << c.place;
    EXPECT_EQ(key.online, c.online) << c.place;
  }
}

TEST(FoldPlace, SharesWordsBetweenAnAddressAndAVenueName) {
  const PlaceKey address = fold_place("Cité des Congrès, 5 rue de Valmy, 44000 Nantes");
  const PlaceKey venue = fold_place("Cité des congrès de Nantes");
  std::size_t shared = 0;
  for (const std::string& word : venue.words) {
    shared += std::count(address.words.begin(), address.words.end(), word);
  }
  EXPECT_EQ(shared, venue.words.size());
}

TEST(FoldPlace, IsEmptyWithoutAnything) {
  EXPECT_TRUE(fold_place("").empty());
  EXPECT_TRUE(fold_place("  ,;  ").empty());
  EXPECT_TRUE(fold_place("de la").empty());
  EXPECT_FALSE(fold_place("Nantes").empty());
}

// ------------------------------------------------------------------------------------------------
// Robustness

TEST(FoldTitle, IsEmptyForEmptyOrBlankInput) {
  for (std::string_view title : {"", "   ", " - : ! ", "de la", "2026"}) {
    const TitleKey key = fold_title(title);
    EXPECT_THAT(key.words, IsEmpty()) << title;
    EXPECT_THAT(key.part_numbers, IsEmpty()) << title;
  }
}

TEST(Fold, SurvivesInvalidUtf8) {
  const TitleKey title = fold_title("Atelier\xFF#2\xC3 Rencontres\xC3(nationales\xF0\x9F");
  EXPECT_THAT(title.words, ElementsAre("atelier", "nationale", "rencontre"));
  EXPECT_THAT(title.part_numbers, ElementsAre("2"));
  const PlaceKey place = fold_place(
      "Cit\xC3\xA9\xFF"
      "des Congr\xE8s");
  EXPECT_THAT(place.words, ElementsAre("cite", "congr", "s"));
}

TEST(Fold, KeepsItsShapeOnRandomBytes) {
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (int round = 0; round < 2000; ++round) {
    const std::string bytes = random_bytes(state, static_cast<std::size_t>(round % 97));
    const std::string folded = fold_text(bytes);
    EXPECT_EQ(folded.find("  "), std::string::npos);
    if (!folded.empty()) {
      EXPECT_NE(folded.front(), ' ');
      EXPECT_NE(folded.back(), ' ');
    }
    for (char c : folded) {
      EXPECT_FALSE(c >= 'A' && c <= 'Z');
    }
    const TitleKey title = fold_title(bytes);
    expect_well_formed(title.words);
    for (const std::string& part : title.part_numbers) {
      EXPECT_FALSE(part.empty());
      EXPECT_EQ(part.find_first_not_of("0123456789"), std::string::npos) << part;
    }
    expect_well_formed(fold_place(bytes).words);
  }
}

TEST(Fold, HandlesAMegabyteOfInput) {
  const std::string_view unit = "Atelier #1 : rencontres nationales – l’innovation à Nantes 2026 ";
  std::string big;
  while (big.size() < (1u << 20)) big += unit;
  const std::size_t repeats = big.size() / unit.size();

  const TitleKey title = fold_title(big);
  EXPECT_THAT(title.words, ElementsAre("atelier", "innovation", "nante", "nationale", "rencontre"));
  EXPECT_EQ(title.part_numbers.size(), repeats);
  EXPECT_EQ(fold_place(big).words.size(), 5u);
  EXPECT_EQ(fold_text(big).size(), repeats * std::string_view("atelier 1 rencontres nationales l "
                                                              "innovation a nantes 2026 ")
                                                 .size() -
                                       1);
}

TEST(Fold, HandlesAMegabyteOfPathologicalInput) {
  // One endless word, an endless dotted host name, endless accents, endless stop words after a
  // street word, endless roman capitals and endless invalid bytes.
  const std::string word(1u << 20, 'a');
  EXPECT_EQ(fold_title(word).words.size(), 1u);

  std::string dotted;
  while (dotted.size() < (1u << 20)) dotted += "a.";
  EXPECT_THAT(fold_place(dotted).words, IsEmpty());           // "a" is a stop word
  EXPECT_THAT(fold_title(dotted + "fr/x").words, IsEmpty());  // all one URL

  std::string accents;
  while (accents.size() < (1u << 20)) accents += "é";
  EXPECT_EQ(fold_text(accents), std::string(accents.size() / 2, 'e'));

  std::string street = "rue";
  while (street.size() < (1u << 20)) street += " de";
  EXPECT_THAT(fold_place(street).words, ElementsAre("rue"));

  std::string capitals(1u << 20, 'I');
  EXPECT_EQ(fold_title(capitals).words.size(), 1u);

  const std::string invalid(1u << 20, '\xFF');
  EXPECT_EQ(fold_text(invalid), "");
  EXPECT_THAT(fold_title(invalid).words, IsEmpty());
}

}  // namespace
}  // namespace concerto::dedup
