#include "parse/html_text.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/text.h"

namespace concerto::parse {
namespace {

TEST(HtmlToText, DropsTagsAndKeepsTheirText) {
  EXPECT_EQ(html_to_text("<b>Atelier</b> <em>participatif</em>"), "Atelier participatif");
  EXPECT_EQ(html_to_text("<span class=\"x\" data-a='1>2'>texte</span>"), "texte");
}

TEST(HtmlToText, LeavesPlainTextAsItIs) {
  EXPECT_EQ(html_to_text("Réunion publique à Lille"), "Réunion publique à Lille");
  EXPECT_EQ(html_to_text(""), "");
}

TEST(HtmlToText, DropsScriptStyleAndCommentsWithTheirContent) {
  EXPECT_EQ(html_to_text("a<script>alert('<b>x</b>')</script>b"), "ab");
  EXPECT_EQ(html_to_text("a<SCRIPT type=\"text/javascript\">var x = 1;</SCRIPT >b"), "ab");
  EXPECT_EQ(html_to_text("a<style>p { color: red }</style>b"), "ab");
  EXPECT_EQ(html_to_text("a<!-- un commentaire <b>gras</b> -->b"), "ab");
  EXPECT_EQ(html_to_text("a<!--[if mso]><table><tr><td><![endif]-->b"), "ab");
  EXPECT_EQ(html_to_text("a<!---->b<!-->c"), "abc");
}

TEST(HtmlToText, DropsTheRestAfterAnUnclosedScriptOrComment) {
  EXPECT_EQ(html_to_text("visible<script>document.write('caché')"), "visible");
  EXPECT_EQ(html_to_text("visible<!-- jamais fermé <p>caché"), "visible");
}

TEST(HtmlToText, ReadsCdataContentAsText) {
  EXPECT_EQ(html_to_text("<![CDATA[Fête <b>du</b> quartier]]>"), "Fête du quartier");
  EXPECT_EQ(html_to_text("x ]]> y"), "x ]]> y");
}

TEST(HtmlToText, DecodesNamedEntities) {
  EXPECT_EQ(html_to_text("caf&eacute;&nbsp;: l&rsquo;&eacute;t&eacute;&hellip;"), "café : l’été…");
  EXPECT_EQ(html_to_text("&laquo;&nbsp;Agir&nbsp;&raquo; 5&nbsp;&euro; &oelig;uvre &OElig;"),
            "« Agir » 5 € œuvre Œ");
  EXPECT_EQ(html_to_text("&lt;b&gt; &amp; &quot;q&quot; &apos;"), "<b> & \"q\" '");
  EXPECT_EQ(
      html_to_text("&ccedil;a &agrave; &ecirc;tre &icirc;le &ocirc; &ugrave; &ndash; &mdash;"),
      "ça à être île ô ù – —");
}

TEST(HtmlToText, DecodesDecimalAndHexEntities) {
  EXPECT_EQ(html_to_text("&#233;t&#xE9; &#XE9; &#x1F600; &#8217;"), "été é 😀 ’");
  EXPECT_EQ(html_to_text("&#233"), "é");
}

TEST(HtmlToText, ReadsC1NumericEntitiesAsWindows1252) {
  EXPECT_EQ(html_to_text("l&#146;atelier &#128;"), "l’atelier €");
}

TEST(HtmlToText, ReplacesInvalidCodePointsWithTheReplacementCharacter) {
  EXPECT_EQ(html_to_text("&#0;"), "\uFFFD");
  EXPECT_EQ(html_to_text("&#xD800;"), "\uFFFD");
  EXPECT_EQ(html_to_text("&#x110000;"), "\uFFFD");
  EXPECT_EQ(html_to_text("&#99999999999999999999;"), "\uFFFD");
}

TEST(HtmlToText, KeepsUnknownEntitiesAsWritten) {
  EXPECT_EQ(html_to_text("&foo; &bar AT&T &; & x &#; &#x;"), "&foo; &bar AT&T &; & x &#; &#x;");
}

TEST(HtmlToText, MakesBlockElementsIntoLineBreaks) {
  EXPECT_EQ(html_to_text("<p>Premier</p><p>Second</p>"), "Premier\n\nSecond");
  EXPECT_EQ(html_to_text("ligne 1<br>ligne 2<br/>ligne 3<BR />fin"),
            "ligne 1\nligne 2\nligne 3\nfin");
  EXPECT_EQ(html_to_text("a<br><br>b"), "a\n\nb");
  EXPECT_EQ(html_to_text("<ul><li>un</li><li>deux</li></ul>après"), "un\ndeux\n\naprès");
  EXPECT_EQ(html_to_text("<h2>Titre</h2>texte<div>bloc</div>"), "Titre\n\ntexte\nbloc");
  EXPECT_EQ(html_to_text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"),
            "a b\nc");
  EXPECT_EQ(html_to_text("avant<blockquote>cité</blockquote>après"), "avant\n\ncité\n\naprès");
}

TEST(HtmlToText, SeparatesParagraphsByOneBlankLineAtMost) {
  EXPECT_EQ(html_to_text("<p>a</p>\n\n<p></p><p>&nbsp;</p><br><br><br><div><p>b</p></div>"),
            "a\n\nb");
}

TEST(HtmlToText, CollapsesWhitespace) {
  EXPECT_EQ(html_to_text("  Atelier \n\t  du\r\n  jeudi  "), "Atelier du jeudi");
  EXPECT_EQ(html_to_text("<p>  a  </p>   <p>  b  </p>"), "a\n\nb");
}

TEST(HtmlToText, KeepsALinkTargetAfterItsText) {
  EXPECT_EQ(html_to_text("<a href=\"https://exemple.fr/inscription\">Inscription</a> ici"),
            "Inscription (https://exemple.fr/inscription) ici");
  EXPECT_EQ(html_to_text("<a href='http://x.fr/?a=1&amp;b=2'>lien</a>"),
            "lien (http://x.fr/?a=1&b=2)");
}

TEST(HtmlToText, DoesNotRepeatALinkWhoseTextIsItsTarget) {
  EXPECT_EQ(html_to_text("<a href=\"https://exemple.fr/\">https://exemple.fr/</a>"),
            "https://exemple.fr/");
  EXPECT_EQ(html_to_text("<a href=\"https://www.exemple.fr/\">exemple.fr</a>"), "exemple.fr");
}

TEST(HtmlToText, KeepsOnlyTheTextOfNonHttpLinks) {
  EXPECT_EQ(html_to_text("<a href=\"mailto:contact@x.fr\">écrire</a>"), "écrire");
  EXPECT_EQ(html_to_text("<a href=\"javascript:alert(1)\">clic</a>"), "clic");
  EXPECT_EQ(html_to_text("<a href=\"/relatif\">relatif</a>"), "relatif");
  EXPECT_EQ(html_to_text("<a href=\"https://x.fr/<script>\">x</a>"), "x");
}

TEST(HtmlToText, GivesTheTargetOfALinkWithoutText) {
  EXPECT_EQ(html_to_text("<a href=\"https://x.fr/a\"><img src=\"b.png\"></a>"), "https://x.fr/a");
}

TEST(HtmlToText, KeepsEntityEncodedMarkupAsText) {
  EXPECT_EQ(html_to_text("&lt;script&gt;alert(1)&lt;/script&gt;"), "<script>alert(1)</script>");
}

TEST(HtmlToText, KeepsStrayAngleBracketsAsText) {
  EXPECT_EQ(html_to_text("3 < 5 et 5 > 3"), "3 < 5 et 5 > 3");
  EXPECT_EQ(html_to_text("<<<"), "<<<");
  EXPECT_EQ(html_to_text("a <3 b"), "a <3 b");
}

TEST(HtmlToText, NeverLetsDroppedMarkupJoinIntoATag) {
  const std::string text = html_to_text("<<b>script>alert(1)<<i>/script>");
  EXPECT_EQ(text.find("<script"), std::string::npos) << text;
  EXPECT_EQ(text.find("</script"), std::string::npos) << text;
  const std::string other = html_to_text("<<!-- -->img src=x onerror=alert(1)>");
  EXPECT_EQ(other.find("<img"), std::string::npos) << other;
}

TEST(HtmlToText, DropsAnUnclosedTagAtTheEnd) {
  EXPECT_EQ(html_to_text("texte <a href=\"https://x.fr\""), "texte");
  EXPECT_EQ(html_to_text("texte <img src=x"), "texte");
}

TEST(HtmlToText, EndsATagWithAnUnclosedQuoteAtItsFirstAngleBracket) {
  EXPECT_EQ(html_to_text("<span title=\"oops>visible</span>"), "visible");
}

TEST(HtmlToText, ProducesValidUtf8FromInvalidBytes) {
  const std::string text = html_to_text("caf\xE9 \xC3 \xFF\xFE <b>\xED\xA0\x80</b>");
  EXPECT_TRUE(core::is_valid_utf8(text)) << text;
  EXPECT_EQ(text, "caf\uFFFD \uFFFD \uFFFD\uFFFD \uFFFD\uFFFD\uFFFD");
}

TEST(HtmlToText, DropsControlCharacters) {
  EXPECT_EQ(html_to_text(std::string("a\0b\x01"
                                     "c\x7F"
                                     "d",
                                     7)),
            "abcd");
}

TEST(HtmlToText, ReadsAWholeHtmlDocumentAsItsBodyText) {
  EXPECT_EQ(html_to_text("<!DOCTYPE html><html><head><title>Lettre</title><meta charset=utf-8>"
                         "<style>body{}</style></head><body><p>Bonjour</p></body></html>"),
            "Bonjour");
}

// Hostile input: every pathological shape stays linear (a quadratic scan of 1 MB takes minutes).
TEST(HtmlToText, StaysLinearOnAMegabyteOfHostileMarkup) {
  constexpr std::size_t kSize = 1 << 20;
  const std::string shapes[] = {
      std::string(kSize, '<'),
      std::string(kSize, '&'),
      [] {
        std::string s;
        while (s.size() < kSize) s += "<a href=\"";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < kSize) s += "<!--";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < kSize) s += "<script></scrip";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < kSize) s += "<a href=https://x.fr>t";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < kSize) s += "&#x1234567&eacute<p>";
        return s;
      }(),
      [] {
        std::string s;
        while (s.size() < kSize) s += "<b '>";
        return s;
      }(),
  };
  for (const std::string& shape : shapes) {
    const auto start = std::chrono::steady_clock::now();
    const std::string text = html_to_text(shape);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::seconds(3)) << shape.substr(0, 20);
    EXPECT_TRUE(core::is_valid_utf8(text));
  }
  EXPECT_EQ(html_to_text(std::string(kSize, '<')), std::string(kSize, '<'));
}

}  // namespace
}  // namespace concerto::parse
