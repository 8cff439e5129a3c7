// dedup::deduplicate over N source events from 50 partner feeds, a tenth of them other feeds'
// copies of an event: the time and peak memory of that one call, then whether its answer is
// plausible (merged count, recall of the generated copies, joins of distinct events).
// Usage: dedup_bench N [--runs R=5] [--span-days D=730] [--show K=0]. Prints a "dedup N=..."
// line whose time is the fastest of up to R runs (other processes only ever add to a run; none
// starts after 10 s of them; each starts with caches evicted) and peak_rss the highest; --show
// prints K missed copies and false joins.
//
// The generator is deterministic (one std::mt19937_64, fixed seed, no std distributions, whose
// output differs between standard libraries). Two real events never look alike: on a day no two
// share kind and topic, and in a city no two share kind or topic, so every join the matcher
// should make is a generated copy. A copy's title and place fold to its original's (fold.h) and
// its time is the same instant, or an all-day event on its date.

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/civil_time.h"
#include "core/event.h"
#include "core/time_zone.h"
#include "dedup/dedup.h"

namespace concerto {
namespace {

constexpr int kFeeds = 50;
constexpr int kDuplicatePercent = 10;
constexpr int kSeriesCount = 10;  // RRULE:FREQ=WEEKLY;COUNT=10
constexpr int kMaxCopies = 3;     // a real event is listed by at most four feeds
constexpr core::Date kFirstDay{2027, 1, 1};
constexpr const char* kZone = "Europe/Paris";
constexpr std::uint64_t kSeed = 20270101;
constexpr double kRunBudgetSeconds = 10;

struct Kind {
  const char* name;
  bool online;     // held on line: never all-day, no room
  bool multi_day;  // may last several days
};

// No folded word (fold.h: stop words and plurals left out) is shared by two entries of kKinds,
// kTopics and kCities, nor are two long words one letter apart: vocabulary_problem() checks it.
const Kind kKinds[] = {
    {"Atelier", false, false},
    {"Forum", false, true},
    {"Conseil de quartier", false, false},
    {"Réunion publique", false, false},
    {"Webinaire", true, false},
    {"Rencontre", false, false},
    {"Débat", false, false},
    {"Assemblée", false, false},
    {"Concertation", false, true},
    {"Balade urbaine", false, false},
    {"Permanence", false, false},
    {"Conférence", false, false},
    {"Table ronde", false, false},
    {"Café citoyen", false, false},
    {"Visite de chantier", false, false},
    {"Exposition", false, true},
    {"Projection", false, false},
    {"Marche exploratoire", false, false},
    {"Consultation", false, true},
    {"Panel d'habitants", false, false},
    {"Comité de suivi", false, false},
    {"Soirée d'échanges", false, false},
    {"Journée portes ouvertes", false, false},
    {"Séminaire", false, true},
    {"Colloque", false, true},
    {"Formation", false, false},
    {"Hackathon", false, true},
    {"Fresque", false, false},
    {"Diagnostic en marchant", false, false},
    {"Porteur de paroles", false, false},
    {"Votation", false, true},
    {"Restitution", false, false},
    {"Inauguration", false, false},
    {"Point d'étape", true, false},
    {"Stand d'information", false, false},
    {"Pique-nique", false, false},
    {"Vernissage", false, false},
    {"Spectacle", false, false},
    {"Ciné-club", false, false},
    {"Tournoi", false, false},
    {"Concours", false, false},
    {"Collecte", false, false},
    {"Troc", false, false},
    {"Vide-grenier", false, false},
    {"Chasse au trésor", false, false},
    {"Démonstration", false, false},
    {"Initiation", false, false},
    {"Randonnée", false, false},
    {"Veillée", false, false},
    {"Bal populaire", false, false},
    {"Causerie", false, false},
    {"Agora", false, false},
    {"Tribune", false, false},
    {"Festival", false, true},
    {"Salon", false, true},
    {"Biennale", false, true},
    {"Assises", false, true},
    {"Université d'été", false, true},
    {"États généraux", false, true},
};

// Lower case: they follow the kind in a title. Those with "&" or "et" get the other in copies.
const char* const kTopics[] = {
    "mobilité",
    "climat",
    "budget participatif",
    "urbanisme",
    "jeunesse",
    "démocratie locale",
    "logement",
    "alimentation durable",
    "santé",
    "éducation",
    "culture & patrimoine",
    "sport et bien-être",
    "propreté",
    "sécurité",
    "biodiversité",
    "énergie",
    "eau potable",
    "déchets",
    "vélo",
    "transports en commun",
    "numérique",
    "emploi",
    "commerce de proximité",
    "tourisme",
    "jardins partagés",
    "espaces verts",
    "handicap & accessibilité",
    "seniors",
    "petite enfance",
    "égalité femmes-hommes",
    "laïcité",
    "solidarité",
    "précarité",
    "qualité de l'air",
    "bruit",
    "stationnement",
    "piétonnisation",
    "rénovation énergétique",
    "végétalisation",
    "vie associative",
    "sobriété",
    "inondations",
    "canicule",
    "pistes cyclables",
    "zone à faibles émissions",
    "écoles",
    "restauration scolaire",
    "centre-ville",
    "gare",
    "tramway",
    "parcs et squares",
    "bibliothèques",
    "musique",
    "arts de la rue",
    "cohésion sociale",
    "accès aux droits",
    "prévention",
    "réemploi",
    "économie circulaire",
    "tiers-lieux",
    "mémoire",
    "citoyenneté",
    "parentalité",
    "jumelage",
    "finances",
    "fiscalité",
    "autonomie",
    "nuisances nocturnes",
    "fibre optique",
    "rivières",
    "arbres",
    "vieillissement",
    "adolescence",
    "étudiants",
    "crèches",
    "périscolaire",
    "piscines",
    "nature",
    "pollinisateurs",
    "compostage",
    "zéro plastique",
    "friches",
    "mixité",
    "bailleurs sociaux",
    "copropriétés",
    "hébergement d'urgence",
    "aide alimentaire",
    "insertion",
    "apprentissage",
    "artisanat",
    "covoiturage",
    "autopartage",
    "trottinettes",
    "métro",
    "éclairage public",
    "vidéoprotection",
    "police municipale",
    "incivilités",
    "addictions",
    "médecins",
    "vaccination",
    "coopération internationale",
    "discriminations",
    "langues régionales",
    "archives",
    "histoire",
    "cinéma",
    "danse",
    "bénévolat",
    "service civique",
    "élections",
};

struct City {
  const char* name;
  const char* postcode;
};

// The first twenty (the largest) get three times the events of the others.
const City kCities[] = {
    {"Paris", "75011"},
    {"Marseille", "13001"},
    {"Lyon", "69003"},
    {"Toulouse", "31000"},
    {"Nice", "06000"},
    {"Nantes", "44000"},
    {"Montpellier", "34000"},
    {"Strasbourg", "67000"},
    {"Bordeaux", "33000"},
    {"Lille", "59000"},
    {"Rennes", "35000"},
    {"Reims", "51100"},
    {"Toulon", "83000"},
    {"Grenoble", "38000"},
    {"Dijon", "21000"},
    {"Angers", "49000"},
    {"Nîmes", "30000"},
    {"Villeurbanne", "69100"},
    {"Clermont-Ferrand", "63000"},
    {"Le Havre", "76600"},
    {"Aix-en-Provence", "13100"},
    {"Brest", "29200"},
    {"Limoges", "87000"},
    {"Tours", "37000"},
    {"Amiens", "80000"},
    {"Perpignan", "66000"},
    {"Metz", "57000"},
    {"Besançon", "25000"},
    {"Boulogne-Billancourt", "92100"},
    {"Orléans", "45000"},
    {"Rouen", "76000"},
    {"Mulhouse", "68100"},
    {"Caen", "14000"},
    {"Nancy", "54000"},
    {"Argenteuil", "95100"},
    {"Montreuil", "93100"},
    {"Roubaix", "59100"},
    {"Tourcoing", "59200"},
    {"Avignon", "84000"},
    {"Nanterre", "92000"},
    {"Créteil", "94000"},
    {"Poitiers", "86000"},
    {"Versailles", "78000"},
    {"Courbevoie", "92400"},
    {"Colombes", "92700"},
    {"Pau", "64000"},
    {"Asnières", "92600"},
    {"Rueil-Malmaison", "92500"},
    {"Antibes", "06600"},
    {"La Rochelle", "17000"},
    {"Champigny", "94500"},
    {"Calais", "62100"},
    {"Cannes", "06400"},
    {"Béziers", "34500"},
    {"Colmar", "68000"},
    {"Bourges", "18000"},
    {"Mérignac", "33700"},
    {"Drancy", "93700"},
    {"Ajaccio", "20000"},
    {"Issy-les-Moulineaux", "92130"},
    {"Levallois-Perret", "92300"},
    {"Quimper", "29000"},
    {"Noisy-le-Grand", "93160"},
    {"Valence", "26000"},
    {"Antony", "92160"},
    {"Cergy", "95000"},
    {"Vénissieux", "69200"},
    {"Pessac", "33600"},
    {"Troyes", "10000"},
    {"Clichy", "92110"},
    {"Chambéry", "73000"},
    {"Lorient", "56100"},
    {"Montauban", "82000"},
    {"Sarcelles", "95200"},
    {"Niort", "79000"},
    {"Villejuif", "94800"},
    {"Hyères", "83400"},
    {"Beauvais", "60000"},
    {"Cholet", "49300"},
    {"Maisons-Alfort", "94700"},
    {"Vannes", "56000"},
    {"Chelles", "77500"},
    {"Fréjus", "83600"},
    {"Meaux", "77100"},
    {"Arles", "13200"},
    {"Narbonne", "11100"},
    {"Annecy", "74000"},
    {"Évry-Courcouronnes", "91000"},
    {"Saint-Étienne", "42000"},
    {"Bayonne", "64100"},
    {"Belfort", "90000"},
    {"Sartrouville", "78500"},
    {"Blois", "41000"},
    {"Brive", "19100"},
    {"Châteauroux", "36000"},
    {"Albi", "81000"},
    {"Carcassonne", "11000"},
    {"Bobigny", "93000"},
    {"Pantin", "93500"},
    {"Bondy", "93140"},
    {"Martigues", "13500"},
    {"Aubervilliers", "93300"},
    {"Vincennes", "94300"},
    {"Montrouge", "92120"},
    {"Suresnes", "92150"},
    {"Charleville-Mézières", "08000"},
    {"Laval", "53000"},
    {"Évreux", "27000"},
    {"Mâcon", "71000"},
    {"Angoulême", "16000"},
    {"Cherbourg", "50100"},
    {"Tarbes", "65000"},
    {"Périgueux", "24000"},
    {"Agen", "47000"},
    {"Auxerre", "89000"},
    {"Nevers", "58000"},
    {"Gap", "05000"},
    {"Alès", "30100"},
    {"Sète", "34200"},
    {"Thionville", "57100"},
    {"Douai", "59500"},
    {"Arras", "62000"},
    {"Lens", "62300"},
    {"Dunkerque", "59140"},
    {"Valenciennes", "59300"},
    {"Cambrai", "59400"},
    {"Lannion", "22300"},
    {"Vienne", "38200"},
    {"Roanne", "42300"},
    {"Montélimar", "26200"},
    {"Romans", "26100"},
    {"Bourg-en-Bresse", "01000"},
    {"Annemasse", "74100"},
    {"Thonon", "74200"},
    {"Chartres", "28000"},
    {"Dreux", "28100"},
    {"Compiègne", "60200"},
    {"Soissons", "02200"},
    {"Laon", "02000"},
    {"Épernay", "51200"},
    {"Châlons-en-Champagne", "51000"},
    {"Chaumont", "52000"},
    {"Épinal", "88000"},
    {"Lunéville", "54300"},
    {"Verdun", "55100"},
    {"Haguenau", "67500"},
    {"Sélestat", "67600"},
    {"Montbéliard", "25200"},
    {"Dole", "39100"},
    {"Vesoul", "70000"},
    {"Auch", "32000"},
    {"Rodez", "12000"},
    {"Cahors", "46000"},
    {"Millau", "12100"},
    {"Castres", "81100"},
    {"Mont-de-Marsan", "40000"},
    {"Dax", "40100"},
    {"Biarritz", "64200"},
    {"Anglet", "64600"},
    {"Bergerac", "24100"},
    {"Libourne", "33500"},
    {"Arcachon", "33120"},
    {"Saintes", "17100"},
    {"Rochefort", "17300"},
    {"Royan", "17200"},
    {"Cognac", "16100"},
    {"Les Sables-d'Olonne", "85100"},
    {"Saumur", "49400"},
    {"Morlaix", "29600"},
    {"Redon", "35600"},
    {"Fougères", "35300"},
    {"Vitré", "35500"},
    {"Alençon", "61000"},
    {"Lisieux", "14100"},
    {"Bayeux", "14400"},
    {"Dieppe", "76200"},
    {"Fécamp", "76400"},
    {"Elbeuf", "76500"},
    {"Vernon", "27200"},
    {"Creil", "60100"},
    {"Abbeville", "80100"},
    {"Béthune", "62400"},
    {"Maubeuge", "59600"},
    {"Sedan", "08200"},
    {"Sens", "89100"},
    {"Montargis", "45200"},
    {"Vierzon", "18100"},
    {"Moulins", "03000"},
    {"Vichy", "03200"},
    {"Montluçon", "03100"},
    {"Aurillac", "15000"},
    {"Le Puy-en-Velay", "43000"},
    {"Mende", "48000"},
    {"Privas", "07000"},
    {"Orange", "84100"},
    {"Carpentras", "84200"},
    {"Cavaillon", "84300"},
    {"Istres", "13800"},
    {"Aubagne", "13400"},
    {"La Ciotat", "13600"},
    {"Draguignan", "83300"},
    {"Grasse", "06130"},
    {"Menton", "06500"},
    {"Manosque", "04100"},
    {"Briançon", "05100"},
    {"Albertville", "73200"},
    {"Chamonix", "74400"},
    {"Voiron", "38500"},
    {"Échirolles", "38130"},
    {"Bron", "69500"},
    {"Oyonnax", "01100"},
    {"Autun", "71400"},
    {"Beaune", "21200"},
    {"Pontarlier", "25300"},
    {"Saverne", "67700"},
    {"Sarreguemines", "57200"},
    {"Forbach", "57600"},
    {"Thiers", "63300"},
    {"Issoire", "63500"},
    {"Riom", "63200"},
    {"Guéret", "23000"},
    {"Tulle", "19000"},
    {"Figeac", "46100"},
    {"Marmande", "47200"},
    {"Foix", "09000"},
    {"Pamiers", "09100"},
    {"Lourdes", "65100"},
    {"Lunel", "34400"},
    {"Bastia", "20200"},
};

const char* const kVenues[] = {
    "Maison des associations",
    "Médiathèque Louise-Michel",
    "Salle des fêtes",
    "Hôtel de ville, salle du conseil",
    "Centre social Nelson-Mandela",
    "Maison de quartier",
    "Gymnase Jean-Moulin",
    "Espace culturel",
    "Tiers-lieu La Fabrique",
    "Auditorium",
    "Salle polyvalente",
    "Maison du projet",
    "Théâtre municipal",
    "Mairie annexe",
    "Maison des jeunes et de la culture",
    "Halle du marché",
    "Pôle associatif",
    "Médiathèque",
    "Cité administrative",
    "Parvis de la gare",
};
const char* const kStreets[] = {
    "rue Victor-Hugo",        "place de la République",  "avenue Jean-Jaurès",
    "boulevard Pasteur",      "rue de la Mairie",        "quai des Arts",
    "rue du Général-Leclerc", "avenue de la Libération", "rue Gambetta",
    "place du Marché",        "allée des Tilleuls",      "rue Jules-Ferry",
};
const char* const kOnlinePlaces[] = {"En ligne", "En ligne (Zoom)", "Visioconférence (Teams)"};
const char* const kCategories[] = {"Participation citoyenne", "Concertation", "Vie locale",
                                   "Environnement",           "Urbanisme",    "Solidarités"};
const char* const kSentences[] = {
    "Entrée libre dans la limite des places disponibles.",
    "Inscription conseillée sur le site de la ville.",
    "Accessible aux personnes à mobilité réduite.",
    "Un temps d'échange convivial suivra la séance.",
    "Interprétation en langue des signes française sur demande.",
    "Garde d'enfants possible sur inscription préalable.",
    "Habitants, associations et commerçants sont les bienvenus.",
    "Les contributions recueillies nourriront le projet présenté au conseil municipal.",
    "Un compte rendu sera publié en ligne dans les deux semaines.",
    "Venez avec vos idées, vos questions et vos envies pour le quartier.",
};

// ---- text ----------------------------------------------------------------------------------

const std::pair<std::string_view, std::string_view> kUnaccented[] = {
    {"à", "a"}, {"â", "a"}, {"ä", "a"},  {"ç", "c"},  {"é", "e"}, {"è", "e"},  {"ê", "e"},
    {"ë", "e"}, {"î", "i"}, {"ï", "i"},  {"ô", "o"},  {"ö", "o"}, {"ù", "u"},  {"û", "u"},
    {"ü", "u"}, {"ÿ", "y"}, {"œ", "oe"}, {"æ", "ae"}, {"À", "A"}, {"Â", "A"},  {"Ç", "C"},
    {"É", "E"}, {"È", "E"}, {"Ê", "E"},  {"Î", "I"},  {"Ô", "O"}, {"Œ", "OE"},
};

// French accented letters to plain ones; other bytes (punctuation, « », —) unchanged.
std::string strip_accents(std::string_view text) {
  std::string plain;
  plain.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (static_cast<unsigned char>(text[i]) >= 0x80) {
      for (const auto& [accented, bare] : kUnaccented) {
        if (text.substr(i, accented.size()) == accented) {
          plain += bare;
          i += accented.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) plain += text[i++];
  }
  return plain;
}

std::string ascii_case(std::string text, bool upper) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z' && upper) c = static_cast<char>(c - 'a' + 'A');
    if (c >= 'A' && c <= 'Z' && !upper) c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Roughly what fold_title keeps of a vocabulary entry, for vocabulary_problem().
std::vector<std::string> significant_words(std::string_view text) {
  static const std::set<std::string, std::less<>> kStopWords = {
      "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "un", "une"};
  const std::string plain = ascii_case(strip_accents(text), false);
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i <= plain.size(); ++i) {
    const char c = i < plain.size() ? plain[i] : ' ';
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      word += c;
      continue;
    }
    if (!word.empty() && kStopWords.count(word) == 0) {
      if (word.size() > 3 && (word.back() == 's' || word.back() == 'x')) word.pop_back();
      words.push_back(word);
    }
    word.clear();
  }
  return words;
}

bool one_edit_apart(std::string_view a, std::string_view b) {
  if (a == b) return true;
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) return a.substr(i + 1) == b.substr(i + 1);
  return a.substr(i) == b.substr(i + 1);
}

// Empty when no two entries of the vocabulary could make two real events look alike.
std::string vocabulary_problem() {
  std::vector<std::pair<std::string, std::string>> words;  // word, entry
  auto add = [&](const char* entry, std::size_t max_words) -> std::string {
    const std::vector<std::string> found = significant_words(entry);
    if (found.empty() || found.size() > max_words) {
      return std::string("\"") + entry + "\" has " + std::to_string(found.size()) + " words";
    }
    for (const std::string& word : found) words.emplace_back(word, entry);
    return {};
  };
  std::string problem;
  for (const Kind& kind : kKinds) problem += add(kind.name, 3);
  for (const char* topic : kTopics) problem += add(topic, 3);
  for (const City& city : kCities) problem += add(city.name, 2);
  if (!problem.empty()) return problem;
  for (std::size_t i = 0; i < words.size(); ++i) {
    for (std::size_t j = i + 1; j < words.size(); ++j) {
      const auto& [a, a_entry] = words[i];
      const auto& [b, b_entry] = words[j];
      if (a_entry == b_entry) continue;
      if (a == b || (a.size() >= 6 && b.size() >= 6 && one_edit_apart(a, b))) {
        return "\"" + a_entry + "\" and \"" + b_entry + "\" share \"" + a + "\"/\"" + b + "\"";
      }
    }
  }
  return {};
}

// ---- generator ------------------------------------------------------------------------------

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  // Uniform in [0, n); the modulo bias is far below what matters here.
  int below(std::size_t n) { return static_cast<int>(engine_() % n); }
  bool chance(int percent) { return below(1000) < percent * 10; }
  bool per_mille(int count) { return below(1000) < count; }

 private:
  std::mt19937_64 engine_;
};

enum class Shape { kTimed, kUtc, kAllDay, kMultiDay, kSeries };

// What the generator knows of a real event (its first listing), to make copies of it.
struct Original {
  int event = 0;  // index in Generated::events
  int feed = 0;
  int kind = 0;
  int topic = 0;
  int city = 0;
  int title_form = 0;
  Shape shape = Shape::kTimed;
  int copies = 0;
  std::uint64_t feeds_used = 0;  // bit per feed listing it
};

struct Generated {
  std::vector<core::Event> events;
  std::vector<core::Occurrence> occurrences;
  std::vector<int> original_of;  // per event: the index of its real event's first listing
  int originals = 0;
  int duplicates = 0;
  int series = 0;                // events with an RRULE, copies included
  int series_copies = 0;         // copies of a whole series (RRULE kept)
  int occurrence_copies = 0;     // single events copying one occurrence of a series
  int occurrence_overrides = 0;  // distinct occurrences so copied: one override each
  int shapes[5] = {};            // originals per Shape
  int all_day_copies = 0;
  int utc_copies = 0;
  int city_only_copies = 0;
};

std::string feed_name(int feed) {
  char name[16];
  std::snprintf(name, sizeof name, "partner-%02d", feed);
  return name;
}

int feed_priority(int feed) {
  if (feed < 5) return 30;   // cities and metropolises: the organisers
  if (feed < 20) return 20;  // districts and associations
  return 10;                 // aggregators
}

class Generator {
 public:
  Generator(int span_days, core::ZonePtr zone)
      : span_days_(span_days),
        covered_days_(span_days + 7 * kSeriesCount),
        zone_(std::move(zone)),
        day_kind_topic_(static_cast<std::size_t>(covered_days_) * kKindCount * kTopicCount),
        day_city_kind_(static_cast<std::size_t>(covered_days_) * kCityCount * kKindCount),
        day_city_topic_(static_cast<std::size_t>(covered_days_) * kCityCount * kTopicCount) {
    for (int city = 0; city < kCityCount; ++city) {
      for (int n = 0; n < (city < 20 ? 3 : 1); ++n) city_draw_.push_back(city);
    }
    for (int feed = 0; feed < kFeeds; ++feed) {
      for (int n = 0; n < 1 + (kFeeds - 1 - feed) / 10; ++n) feed_draw_.push_back(feed);
    }
    for (int kind = 0; kind < kKindCount; ++kind) {
      const Kind& k = kKinds[kind];
      kinds_for_[static_cast<int>(Shape::kTimed)].push_back(kind);
      kinds_for_[static_cast<int>(Shape::kUtc)].push_back(kind);
      kinds_for_[static_cast<int>(Shape::kSeries)].push_back(kind);
      if (!k.online) kinds_for_[static_cast<int>(Shape::kAllDay)].push_back(kind);
      if (k.multi_day) kinds_for_[static_cast<int>(Shape::kMultiDay)].push_back(kind);
    }
  }

  // nullopt (with a message) when the vocabulary cannot keep that many events apart.
  std::optional<Generated> generate(int count) {
    Generated out;
    out.duplicates = static_cast<int>(static_cast<std::int64_t>(count) * kDuplicatePercent / 100);
    out.originals = count - out.duplicates;
    out.events.reserve(static_cast<std::size_t>(count));
    out.original_of.reserve(static_cast<std::size_t>(count));
    originals_.reserve(static_cast<std::size_t>(out.originals));
    for (int i = 0; i < out.originals; ++i) {
      if (!add_original(out)) {
        std::fprintf(stderr,
                     "dedup_bench: after %d events no day of %d has room for another distinct "
                     "one; use more --span-days\n",
                     i, span_days_);
        return std::nullopt;
      }
    }
    std::set<std::pair<int, int>> copied_occurrences;
    for (int i = 0; i < out.duplicates; ++i) add_copy(out, copied_occurrences);
    out.occurrence_overrides = static_cast<int>(copied_occurrences.size());
    sort_like_the_store(out);
    for (const core::Event& event : out.events) {
      if (!event.rrule.empty()) ++out.series;
      expand(event, out.occurrences);
    }
    std::sort(out.occurrences.begin(), out.occurrences.end(), [](const auto& a, const auto& b) {
      const auto sa = a.start.sort_seconds(), sb = b.start.sort_seconds();
      if (sa != sb) return sa < sb;
      return a.uid < b.uid;
    });
    out.occurrences = std::vector<core::Occurrence>(out.occurrences);  // read back in order
    return out;
  }

 private:
  static constexpr int kKindCount = static_cast<int>(std::size(kKinds));
  static constexpr int kTopicCount = static_cast<int>(std::size(kTopics));
  static constexpr int kCityCount = static_cast<int>(std::size(kCities));

  Shape draw_shape() {
    const int r = random_.below(1000);
    if (r < 20) return Shape::kSeries;    // 2%
    if (r < 35) return Shape::kMultiDay;  // 1.5%
    if (r < 115) return Shape::kAllDay;   // 8%
    if (r < 165) return Shape::kUtc;      // 5%
    return Shape::kTimed;
  }

  // Weekdays and Saturdays; a Sunday now and then.
  int draw_day() {
    for (;;) {
      const int day = random_.below(static_cast<std::size_t>(span_days_));
      if (core::weekday(core::add_days(kFirstDay, day)) != 0 || random_.chance(30)) return day;
    }
  }

  // 08:00-17:45 by quarters, or an evening meeting 18:00-20:30 by halves.
  std::pair<int, int> draw_start() {
    if (random_.chance(40)) {
      const int slot = random_.below(6);
      return {18 + slot / 2, (slot % 2) * 30};
    }
    const int slot = random_.below(40);
    return {8 + slot / 4, (slot % 4) * 15};
  }

  std::vector<int> days_of(Shape shape, int day, int length) const {
    std::vector<int> days;
    if (shape == Shape::kSeries) {
      for (int k = 0; k < kSeriesCount; ++k) days.push_back(day + 7 * k);
    } else {
      for (int k = 0; k < length; ++k) days.push_back(day + k);
    }
    return days;
  }

  std::size_t kind_topic_slot(int day, int kind, int topic) const {
    return (static_cast<std::size_t>(day) * kKindCount + kind) * kTopicCount + topic;
  }
  std::size_t city_kind_slot(int day, int city, int kind) const {
    return (static_cast<std::size_t>(day) * kCityCount + city) * kKindCount + kind;
  }
  std::size_t city_topic_slot(int day, int city, int topic) const {
    return (static_cast<std::size_t>(day) * kCityCount + city) * kTopicCount + topic;
  }

  bool room_for(const std::vector<int>& days, int kind, int topic, int city) const {
    for (int day : days) {
      if (day_kind_topic_[kind_topic_slot(day, kind, topic)] ||
          day_city_kind_[city_kind_slot(day, city, kind)] ||
          day_city_topic_[city_topic_slot(day, city, topic)]) {
        return false;
      }
    }
    return true;
  }

  void take(const std::vector<int>& days, int kind, int topic, int city) {
    for (int day : days) {
      day_kind_topic_[kind_topic_slot(day, kind, topic)] = 1;
      day_city_kind_[city_kind_slot(day, city, kind)] = 1;
      day_city_topic_[city_topic_slot(day, city, topic)] = 1;
    }
  }

  core::EventTime paris(const core::LocalDateTime& local) const {
    core::EventTime time;
    time.tzid = zone_->name();
    time.local = local;
    time.utc = zone_->to_utc(local);
    return time;
  }
  static core::EventTime utc(std::int64_t instant) {
    core::EventTime time;
    time.tzid = "UTC";
    time.local = core::civil_from_seconds(instant);
    time.utc = instant;
    return time;
  }
  static core::EventTime date(const core::Date& day) {
    core::EventTime time;
    time.all_day = true;
    time.date = day;
    return time;
  }

  static std::string title(const Original& original, int ordinal, int year, bool swap_and) {
    std::string kind = kKinds[original.kind].name;
    if (ordinal > 0) kind = std::to_string(ordinal) + "e " + kind;
    if (year > 0) kind += " " + std::to_string(year);
    std::string topic = kTopics[original.topic];
    if (swap_and) {
      topic = topic.find(" & ") != std::string::npos ? replace_all(topic, " & ", " et ")
                                                     : replace_all(topic, " et ", " & ");
    }
    const std::string city = kCities[original.city].name;
    switch (original.title_form) {
      case 0:
        return kind + " : " + topic + " — " + city;
      case 1:
        return city + " — " + kind + " « " + topic + " »";
      case 2:
        return kind + " « " + topic + " » (" + city + ")";
      default:
        return kind + " : " + topic + " (" + city + ")";
    }
  }

  std::string place(const Original& original) {
    if (kKinds[original.kind].online) {
      return kOnlinePlaces[random_.below(std::size(kOnlinePlaces))];
    }
    const City& city = kCities[original.city];
    std::string text = kVenues[random_.below(std::size(kVenues))];
    if (random_.chance(80)) {
      text += ", " + std::to_string(1 + random_.below(120)) + " " +
              kStreets[random_.below(std::size(kStreets))] + ", " + city.postcode;
    } else {
      text += ",";
    }
    return text + " " + city.name;
  }

  std::string description(const Original& original) {
    std::string text = "La ville de " + std::string(kCities[original.city].name) +
                       " vous invite : " + ascii_case(kKinds[original.kind].name, false) +
                       " consacré à " + kTopics[original.topic] + ".";
    const int sentences = 1 + random_.below(3);
    for (int i = 0; i < sentences; ++i) {
      text += " ";
      text += kSentences[random_.below(std::size(kSentences))];
    }
    return text;
  }

  std::string uid(int feed) {
    const int serial = ++serial_;
    char text[96];
    switch (feed % 4) {
      case 0:
        std::snprintf(text, sizeof text, "%d@%s.example.fr", serial, feed_name(feed).c_str());
        break;
      case 1:
        std::snprintf(text, sizeof text, "evt-%08x-%d",
                      static_cast<unsigned>(random_.below(1u << 30)), serial);
        break;
      case 2:
        std::snprintf(text, sizeof text, "%08x-%04x-4%03x-a%03x-%06x%06x",
                      static_cast<unsigned>(random_.below(1u << 30)), random_.below(0x10000),
                      random_.below(0x1000), random_.below(0x1000), random_.below(0x1000000),
                      serial & 0xffffff);
        break;
      default:
        std::snprintf(text, sizeof text, "agenda/%d/%s", serial, feed_name(feed).c_str());
        break;
    }
    return text;
  }

  void fill_listing(core::Event& event, int feed, const Original& original) {
    event.feed_id = feed_name(feed);
    event.uid = uid(feed);
    event.url = "https://" + event.feed_id + ".example.fr/agenda/" + std::to_string(serial_);
    event.sequence = random_.below(4);
    event.last_modified = 1790000000 + random_.below(20000000);
    event.source_line = 1 + 14 * static_cast<int>(++lines_[static_cast<std::size_t>(feed)]);
    event.categories = {kCategories[random_.below(std::size(kCategories))]};
    if (random_.chance(40)) {
      event.categories.push_back(kCategories[random_.below(std::size(kCategories))]);
    }
    event.organizer = "Ville de " + std::string(kCities[original.city].name) + " <participation@" +
                      event.feed_id + ".example.fr>";
  }

  bool add_original(Generated& out) {
    const Shape shape = draw_shape();
    const std::vector<int>& kinds = kinds_for_[static_cast<int>(shape)];
    Original original;
    original.shape = shape;
    int day = 0;
    int length = 1;
    bool placed = false;
    for (int attempt = 0; attempt < 20000 && !placed; ++attempt) {
      if (attempt % 20 == 0) {
        day = draw_day();
        length = shape == Shape::kMultiDay ? 2 + random_.below(3) : 1;
      }
      original.kind = kinds[static_cast<std::size_t>(random_.below(kinds.size()))];
      original.topic = random_.below(kTopicCount);
      original.city = city_draw_[static_cast<std::size_t>(random_.below(city_draw_.size()))];
      const std::vector<int> days = days_of(shape, day, length);
      if (room_for(days, original.kind, original.topic, original.city)) {
        take(days, original.kind, original.topic, original.city);
        placed = true;
      }
    }
    if (!placed) return false;
    original.feed = feed_draw_[static_cast<std::size_t>(random_.below(feed_draw_.size()))];
    original.feeds_used = std::uint64_t{1} << original.feed;
    original.title_form = random_.below(4);
    original.event = static_cast<int>(out.events.size());

    core::Event event;
    fill_listing(event, original.feed, original);
    event.summary = title(original, 0, 0, false);
    event.location = place(original);
    event.description = description(original);
    if (random_.per_mille(10)) event.status = core::EventStatus::kCancelled;
    const core::Date first = core::add_days(kFirstDay, day);
    if (shape == Shape::kAllDay || shape == Shape::kMultiDay) {
      event.start = date(first);
      event.end = date(core::add_days(first, length));
    } else {
      const auto [hour, minute] = draw_start();
      const bool online = kKinds[original.kind].online;
      const int minutes = online ? 60 + 30 * random_.below(2) : 60 + 30 * random_.below(5);
      const core::LocalDateTime start{first, hour, minute, 0};
      const int end_minutes = hour * 60 + minute + minutes;
      const core::LocalDateTime end{first, end_minutes / 60, end_minutes % 60, 0};
      event.start = paris(start);
      event.end = paris(end);
      if (shape == Shape::kUtc) {
        event.start = utc(event.start.utc);
        event.end = utc(event.end.utc);
      }
      if (shape == Shape::kSeries) {
        event.rrule = "FREQ=WEEKLY;COUNT=" + std::to_string(kSeriesCount);
      }
    }
    ++out.shapes[static_cast<int>(shape)];
    out.events.push_back(std::move(event));
    out.original_of.push_back(original.event);
    originals_.push_back(original);
    return true;
  }

  // Another feed's listing of a real event, worded and timed as partners do.
  void add_copy(Generated& out, std::set<std::pair<int, int>>& copied_occurrences) {
    Original* original = nullptr;
    do {
      original = &originals_[static_cast<std::size_t>(random_.below(originals_.size()))];
    } while (original->copies >= kMaxCopies);
    int feed = 0;
    do {
      feed = random_.below(kFeeds);
    } while ((original->feeds_used >> feed) & 1U);
    original->feeds_used |= std::uint64_t{1} << feed;
    ++original->copies;

    core::Event copy = out.events[static_cast<std::size_t>(original->event)];
    fill_listing(copy, feed, *original);
    copy.description = random_.chance(40) ? std::string() : description(*original);

    bool varied = false;
    const bool lower = random_.chance(20);
    const bool upper = !lower && random_.chance(10);
    const bool unaccented = lower || upper || random_.chance(15);
    const int year = random_.chance(15)
                         ? copy.start.all_day ? copy.start.date.year : copy.start.local.date.year
                         : 0;
    const int ordinal = random_.chance(10) ? 2 + random_.below(9) : 0;
    const std::string topic = kTopics[original->topic];
    const bool swap_and =
        (topic.find(" & ") != std::string::npos || topic.find(" et ") != std::string::npos) &&
        random_.chance(60);
    copy.summary = title(*original, ordinal, year, swap_and);
    if (unaccented) copy.summary = strip_accents(copy.summary);
    if (lower || upper) copy.summary = ascii_case(copy.summary, upper);
    varied = unaccented || year > 0 || ordinal > 0 || swap_and;
    if (!kKinds[original->kind].online && random_.chance(30)) {
      copy.location = kCities[original->city].name;
      ++out.city_only_copies;
      varied = true;
    }

    if (original->shape == Shape::kSeries && random_.chance(50)) {
      ++out.series_copies;
    } else {
      if (original->shape == Shape::kSeries) {
        // One occurrence of the series, listed as a single event by a feed that has only it.
        const int week = random_.below(kSeriesCount);
        copy.rrule.clear();
        copy.start = paris({core::add_days(copy.start.local.date, 7 * week), copy.start.local.hour,
                            copy.start.local.minute, 0});
        copy.end = paris({core::add_days(copy.end.local.date, 7 * week), copy.end.local.hour,
                          copy.end.local.minute, 0});
        copied_occurrences.insert({original->event, week});
        ++out.occurrence_copies;
      }
      const bool timed = original->shape == Shape::kTimed || original->shape == Shape::kSeries ||
                         original->shape == Shape::kUtc;
      if (timed && random_.chance(15)) {
        const core::Date day = zone_->to_local(copy.start.utc).date;
        copy.start = date(day);
        copy.end = date(core::add_days(day, 1));
        ++out.all_day_copies;
        varied = true;
      } else if (timed && original->shape != Shape::kUtc && random_.chance(15)) {
        copy.start = utc(copy.start.utc);
        copy.end = utc(copy.end.utc);
        ++out.utc_copies;
        varied = true;
      } else if (original->shape == Shape::kUtc && random_.chance(20)) {
        copy.start = paris(zone_->to_local(copy.start.utc));
        copy.end = paris(zone_->to_local(copy.end.utc));
        varied = true;
      }
    }
    if (!varied) copy.summary = strip_accents(copy.summary);
    out.events.push_back(std::move(copy));
    out.original_of.push_back(original->event);
  }

  // By feed and UID, as a store reads them back, rather than originals first; copied in that
  // order so that, as after a read, neighbours in the vector are neighbours in memory.
  static void sort_like_the_store(Generated& out) {
    std::vector<int> order(out.events.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
      const core::Event& x = out.events[static_cast<std::size_t>(a)];
      const core::Event& y = out.events[static_cast<std::size_t>(b)];
      return std::tie(x.feed_id, x.uid) < std::tie(y.feed_id, y.uid);
    });
    std::vector<int> position(order.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      position[static_cast<std::size_t>(order[i])] = static_cast<int>(i);
    std::vector<core::Event> events;
    std::vector<int> original_of;
    events.reserve(order.size());
    original_of.reserve(order.size());
    for (int old : order) {
      events.push_back(out.events[static_cast<std::size_t>(old)]);
      original_of.push_back(
          position[static_cast<std::size_t>(out.original_of[static_cast<std::size_t>(old)])]);
    }
    out.events = std::move(events);
    out.original_of = std::move(original_of);
  }

  // As normalize::expand_occurrences stores them: one row per single event, one per instance.
  void expand(const core::Event& event, std::vector<core::Occurrence>& occurrences) const {
    if (event.rrule.empty()) {
      occurrences.push_back(
          {event.feed_id, event.uid, std::nullopt, event.start, event.end, false});
      return;
    }
    for (int week = 0; week < kSeriesCount; ++week) {
      const core::EventTime start = paris({core::add_days(event.start.local.date, 7 * week),
                                           event.start.local.hour, event.start.local.minute, 0});
      const core::EventTime end = paris({core::add_days(event.end.local.date, 7 * week),
                                         event.end.local.hour, event.end.local.minute, 0});
      occurrences.push_back({event.feed_id, event.uid, start, start, end, false});
    }
  }

  Random random_{kSeed};
  int span_days_;
  int covered_days_;
  core::ZonePtr zone_;
  std::vector<std::uint8_t> day_kind_topic_;
  std::vector<std::uint8_t> day_city_kind_;
  std::vector<std::uint8_t> day_city_topic_;
  std::vector<int> city_draw_;
  std::vector<int> feed_draw_;
  std::vector<int> kinds_for_[5];
  std::vector<Original> originals_;
  std::vector<long> lines_ = std::vector<long>(kFeeds);
  int serial_ = 0;
};

// ---- measurement -----------------------------------------------------------------------------

// A "VmRSS:"-style field of /proc/self/status in KiB; -1 when missing.
long status_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::size_t length = std::strlen(field);
  while (std::getline(status, line)) {
    if (line.compare(0, length, field) == 0) return std::atol(line.c_str() + length);
  }
  return -1;
}

// Linux: "5" resets VmHWM to the current RSS.
bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

long mib(long kib) { return (kib + 512) / 1024; }

volatile unsigned char eviction_sink = 0;

// Writes and reads a buffer twice the last-level cache, so that no size starts a run with its
// input in cache (10k events fit in a large L3, a million never do) and the sizes compare.
void evict_caches() {
  const long cache = sysconf(_SC_LEVEL3_CACHE_SIZE);
  const std::size_t size = std::clamp<std::size_t>(
      cache > 0 ? 2 * static_cast<std::size_t>(cache) : std::size_t{256} << 20,
      std::size_t{64} << 20, std::size_t{1} << 30);
  std::vector<unsigned char> buffer(size);
  for (std::size_t i = 0; i < size; i += 64) buffer[i] = static_cast<unsigned char>(i >> 6);
  unsigned char sum = 0;
  for (std::size_t i = 0; i < size; i += 64) sum = static_cast<unsigned char>(sum + buffer[i]);
  eviction_sink = sum;
}

struct Measure {
  double fastest = 0;  // what is reported: other processes can only add to a run's time
  double median = 0;
  double slowest = 0;
  int runs = 0;
  long input_kib = 0;
  long peak_kib = 0;  // the highest of the runs
  bool peak_of_call = true;
};

// Runs deduplicate up to `runs` times, starting none after kRunBudgetSeconds of them; keeps
// the last answer in `result`.
Measure measure(const dedup::DedupInput& input, int runs,
                std::optional<dedup::DedupResult>& result) {
  Measure m;
  std::vector<double> times;
  double spent = 0;
  for (int run = 0; run < runs && (run == 0 || spent < kRunBudgetSeconds); ++run) {
    result.reset();
    evict_caches();
    malloc_trim(0);  // freed pages go back, so the RSS before the call is what is held
    const long before = status_kib("VmRSS:");
    m.peak_of_call = reset_peak_rss() && m.peak_of_call;
    const auto start = std::chrono::steady_clock::now();
    result.emplace(dedup::deduplicate(input));
    const auto stop = std::chrono::steady_clock::now();
    m.peak_kib = std::max(m.peak_kib, status_kib("VmHWM:"));
    m.input_kib = std::max(m.input_kib, before);
    times.push_back(std::chrono::duration<double>(stop - start).count());
    spent += times.back();
  }
  m.runs = static_cast<int>(times.size());
  std::sort(times.begin(), times.end());
  m.median = times[times.size() / 2];
  m.fastest = times.front();
  m.slowest = times.back();
  return m;
}

struct Check {
  int found = 0;                   // copies merged with their original
  int false_joins = 0;             // distinct real events merged into another
  int missing = 0;                 // source events in no merged event
  int unknown = 0;                 // sources naming no generated event
  std::vector<int> missed;         // the first copies not merged with their original
  std::vector<std::size_t> mixed;  // the first merged events joining distinct real events
};

// "partner-07 | 20270314T170000Z | Atelier : mobilité — Lyon | Médiathèque, Lyon".
std::string describe(const core::Event& event) {
  std::string text = event.feed_id + " | " + event.start.key();
  if (!event.rrule.empty()) text += " " + event.rrule;
  return text + " | " + event.summary + " | " + event.location;
}

Check check(const Generated& input, const dedup::DedupResult& result, std::size_t keep) {
  std::unordered_map<std::string, int> index;
  index.reserve(input.events.size());
  for (std::size_t i = 0; i < input.events.size(); ++i) {
    const core::Event& event = input.events[i];
    index.emplace(event.feed_id + '\x1f' + event.uid, static_cast<int>(i));
  }
  Check c;
  std::vector<std::vector<int>> merged_of(input.events.size());
  std::vector<int> groups;
  for (std::size_t m = 0; m < result.events.size(); ++m) {
    groups.clear();
    for (const dedup::SourceRef& source : result.events[m].sources) {
      const auto found = index.find(source.feed_id + '\x1f' + source.uid);
      if (found == index.end()) {
        ++c.unknown;
        continue;
      }
      std::vector<int>& of = merged_of[static_cast<std::size_t>(found->second)];
      if (of.empty() || of.back() != static_cast<int>(m)) of.push_back(static_cast<int>(m));
      groups.push_back(input.original_of[static_cast<std::size_t>(found->second)]);
    }
    std::sort(groups.begin(), groups.end());
    const auto distinct = std::unique(groups.begin(), groups.end()) - groups.begin();
    if (distinct > 1) c.false_joins += static_cast<int>(distinct - 1);
    if (distinct > 1 && c.mixed.size() < keep) c.mixed.push_back(m);
  }
  for (std::size_t i = 0; i < input.events.size(); ++i) {
    const std::vector<int>& mine = merged_of[i];
    if (mine.empty()) ++c.missing;
    const auto original = static_cast<std::size_t>(input.original_of[i]);
    if (original == i) continue;
    const std::vector<int>& theirs = merged_of[original];
    const bool together = std::any_of(mine.begin(), mine.end(), [&](int m) {
      return std::find(theirs.begin(), theirs.end(), m) != theirs.end();
    });
    if (together) ++c.found;
    if (!together && c.missed.size() < keep) c.missed.push_back(static_cast<int>(i));
  }
  return c;
}

int parse_count(const char* text, const char* what, int low, int high) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < low || value > high) {
    std::fprintf(stderr, "dedup_bench: %s must be a number from %d to %d, not \"%s\"\n", what, low,
                 high, text);
    std::exit(2);
  }
  return static_cast<int>(value);
}

int run(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: dedup_bench N [--runs R=5] [--span-days D=730] [--show K=0]\n");
    return 2;
  }
  const int count = parse_count(argv[1], "N", 100, 20000000);
  int runs = 5;
  int span_days = 730;
  int show = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string_view option = argv[i];
    if (i + 1 < argc && option == "--runs") {
      runs = parse_count(argv[++i], "--runs", 1, 100);
    } else if (i + 1 < argc && option == "--show") {
      show = parse_count(argv[++i], "--show", 0, 1000);
    } else if (i + 1 < argc && option == "--span-days") {
      span_days = parse_count(argv[++i], "--span-days", 1, 36500);
    } else {
      std::fprintf(stderr, "dedup_bench: unknown argument \"%s\"\n", argv[i]);
      return 2;
    }
  }
  if (const std::string problem = vocabulary_problem(); !problem.empty()) {
    std::fprintf(stderr, "dedup_bench: vocabulary: %s\n", problem.c_str());
    return 2;
  }
  core::ZonePtr zone = core::find_zone(kZone);
  if (!zone) {
    std::fprintf(stderr, "dedup_bench: no time zone %s (tzdata)\n", kZone);
    return 2;
  }

  const auto generating = std::chrono::steady_clock::now();
  std::optional<Generated> generated = Generator(span_days, zone).generate(count);
  if (!generated) return 1;
  const Generated& data = *generated;
  const double generation_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - generating).count();
  std::printf(
      "  input: %d events = %d real + %d copies (%d of whole series, %d of one occurrence, "
      "%d all-day, %d UTC, %d place = city); %d series, %zu occurrences; originals %d timed, "
      "%d UTC, %d all-day, %d multi-day, %d series; %d days from 2027-01-01 (%.1fs)\n",
      count, data.originals, data.duplicates, data.series_copies, data.occurrence_copies,
      data.all_day_copies, data.utc_copies, data.city_only_copies, data.series,
      data.occurrences.size(), data.shapes[0], data.shapes[1], data.shapes[2], data.shapes[3],
      data.shapes[4], span_days, generation_seconds);

  dedup::DedupInput input;
  input.events = &data.events;
  input.occurrences = &data.occurrences;
  for (int feed = 0; feed < kFeeds; ++feed) {
    input.feed_priority[feed_name(feed)] = feed_priority(feed);
  }

  std::optional<dedup::DedupResult> result;
  const Measure m = measure(input, runs, result);
  std::printf(
      "dedup N=%d feeds=%d dup=%d%% time=%.4fs peak_rss=%ldMiB input_rss=%ldMiB "
      "merged=%zu links=%zu\n",
      count, kFeeds, kDuplicatePercent, m.fastest, mib(m.peak_kib), mib(m.input_kib),
      result->events.size(), result->links.size());

  const Check c = check(data, *result, static_cast<std::size_t>(show));
  const long expected = data.originals + data.occurrence_overrides;
  const double recall = data.duplicates > 0 ? static_cast<double>(c.found) / data.duplicates : 1;
  const long merged = static_cast<long>(result->events.size());
  std::string verdict;
  if (recall < 0.9) verdict += " recall<90%";
  if (c.false_joins > count / 1000) verdict += " false_joins>0.1%";
  if (std::labs(merged - expected) > expected / 100) verdict += " merged!=expected±1%";
  if (c.missing > 0) verdict += " sources_missing";
  if (c.unknown > 0) verdict += " unknown_sources";
  verdict = verdict.empty() ? "plausible" : "IMPLAUSIBLE:" + verdict;
  std::printf(
      "  check: expected_merged=%ld (N - %d copies + %d overrides of one occurrence) "
      "merged=%ld recall=%d/%d=%.1f%% false_joins=%d missing=%d near_misses=%zu: %s\n",
      expected, data.duplicates, data.occurrence_overrides, merged, c.found, data.duplicates,
      100 * recall, c.false_joins, c.missing, result->near_misses.size(), verdict.c_str());
  std::printf(
      "  runs: %d, time fastest %.3fs median %.3fs slowest %.3fs; peak %ldMiB = input %ldMiB + "
      "stage %ldMiB%s\n",
      m.runs, m.fastest, m.median, m.slowest, mib(m.peak_kib), mib(m.input_kib),
      mib(m.peak_kib - m.input_kib),
      m.peak_of_call ? "" : " (no /proc/self/clear_refs: the peak is the whole process's)");
  for (int copy : c.missed) {
    const auto original =
        static_cast<std::size_t>(data.original_of[static_cast<std::size_t>(copy)]);
    std::printf("  missed copy: %s\n          of: %s\n",
                describe(data.events[static_cast<std::size_t>(copy)]).c_str(),
                describe(data.events[original]).c_str());
  }
  std::unordered_map<std::string, std::size_t> by_source;
  if (!c.mixed.empty()) {
    for (std::size_t i = 0; i < data.events.size(); ++i) {
      by_source.emplace(data.events[i].feed_id + '\x1f' + data.events[i].uid, i);
    }
  }
  for (std::size_t mixed : c.mixed) {
    std::printf("  false join into %s:\n", result->events[mixed].event.uid.c_str());
    for (const dedup::SourceRef& source : result->events[mixed].sources) {
      const auto found = by_source.find(source.feed_id + '\x1f' + source.uid);
      if (found == by_source.end()) continue;
      std::printf("    real event %d: %s\n", data.original_of[found->second],
                  describe(data.events[found->second]).c_str());
    }
  }
  return 0;
}

}  // namespace
}  // namespace concerto

int main(int argc, char** argv) { return concerto::run(argc, argv); }
