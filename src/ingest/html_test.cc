// HTML extraction, WARC and feed parsing on small inputs written here.
#include <gtest/gtest.h>

#include "ingest/html.h"
#include "ingest/warc.h"
#include "text/utf8.h"

namespace tocsin::ingest {
namespace {

const text::Furniture kFurniture = [] {
  text::Furniture f;
  f.phrases = {"donate", "leave a reply"};
  f.lines = {"share", "[source]"};
  f.classes = {"share", "comments", "nav", "related"};
  f.Index();
  return f;
}();

TEST(Html, KeepsTheArticleAndListsWhatItLeftOut) {
  const std::string page =
      "<html lang=\"fr\"><head><title>Site | Grève</title><script>var x = 1;</script></head><body>"
      "<nav><a href=/>Accueil</a></nav><div class=\"share-buttons\">Partager</div>"
      "<article><h1>Grève à Almaty</h1><p>Les mineurs ont cessé le travail lundi.</p>"
      "<p>Donate via our page</p></article><div id=\"comments\">Leave a Reply</div></body></html>";
  HtmlText out;
  ASSERT_TRUE(ExtractHtml(page, kFurniture, &out).ok());
  EXPECT_EQ(out.text, "Grève à Almaty\n\nLes mineurs ont cessé le travail lundi.");
  EXPECT_EQ(out.lang, "fr");
  EXPECT_EQ(out.title, "Site | Grève");
  ASSERT_FALSE(out.removed.empty());
  for (const Span& r : out.removed) {
    ASSERT_LE(r.end, page.size());
    const std::string gone = page.substr(r.begin, r.end - r.begin);
    EXPECT_EQ(gone.find("mineurs"), std::string::npos) << gone;
  }
}

TEST(Html, DatesFromMetaJsonLdAndTime) {
  HtmlText a, b, c;
  ASSERT_TRUE(ExtractHtml("<head><meta property=\"article:published_time\" content=\"2022-01-07T10:00Z\"></head><p>x</p>",
                          kFurniture, &a)
                  .ok());
  EXPECT_EQ(a.published, "2022-01-07");
  ASSERT_TRUE(ExtractHtml("<script type=\"application/ld+json\">{\"@graph\":[{\"datePublished\":\"2021-12-16\"}]}</script>"
                          "<p>x</p>",
                          kFurniture, &b)
                  .ok());
  EXPECT_EQ(b.published, "2021-12-16");
  ASSERT_TRUE(ExtractHtml("<article><time datetime=\"2010-04-08\">8 April</time><p>x</p></article>", kFurniture, &c).ok());
  EXPECT_EQ(c.published, "2010-04-08");
  EXPECT_EQ(NormaliseDate("Fri, 07 Jan 2022 10:00:00 GMT"), "2022-01-07");
  EXPECT_EQ(NormaliseDate("yesterday"), "");
}

TEST(Html, OutOfRangeCharacterReferencesGiveValidUtf8) {
  // Regression (fuzz_html): gumbo decoded "&#x27BBBBBBBBBB;" to bytes that are not UTF-8.
  HtmlText out;
  ASSERT_TRUE(ExtractHtml("<p>a &#x27BBBBBBBBBBBBBBBBBBBBBBBBBB; b</p>", kFurniture, &out).ok());
  std::string again;
  EXPECT_EQ(text::RepairUtf8(out.text, &again), 0u) << out.text;
}

TEST(Html, DeepNestingIsRefusedBeforeParsing) {
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<div>";
  HtmlText out;
  const Status s = ExtractHtml(deep, kFurniture, &out);
  EXPECT_EQ(s.code(), Status::Code::kTooLarge);
  EXPECT_NE(s.message().find("limit"), std::string::npos);
}

TEST(Html, CharsetsAreFoundInMetaAndHeaders) {
  EXPECT_EQ(DeclaredCharset("<html><head><meta charset=\"windows-1251\">"), "windows-1251");
  EXPECT_EQ(DeclaredCharset("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=KOI8-R\">"), "koi8-r");
  EXPECT_EQ(CharsetOfContentType("text/html; charset=\"ISO-8859-1\""), "iso-8859-1");
}

TEST(Feed, ItemsOfRssAndAtom) {
  auto rss = OpenFeed(
      "<rss><channel><item><title>Strike</title><link>https://x.org/1</link><guid>g1</guid>"
      "<pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate><description><![CDATA[<p>Miners struck.</p>]]></description>"
      "</item></channel></rss>",
      "f.rss");
  ASSERT_TRUE(rss.ok());
  Input in;
  Status err;
  ASSERT_TRUE((*rss)->Next(&in, &err));
  EXPECT_EQ(in.id, "f.rss#g1");
  EXPECT_EQ(in.url, "https://x.org/1");
  EXPECT_EQ(in.published, "2024-05-06");
  EXPECT_NE(in.text.find("<p>Miners struck.</p>"), std::string::npos);
  EXPECT_FALSE((*rss)->Next(&in, &err));
  auto atom = OpenFeed(
      "<feed><entry><title>Talks</title><link href=\"https://x.org/2\"/><id>e2</id><updated>2024-05-07T00:00:00Z"
      "</updated><content type=\"html\">&lt;p&gt;They met.&lt;/p&gt;</content></entry></feed>",
      "f.atom");
  ASSERT_TRUE(atom.ok());
  ASSERT_TRUE((*atom)->Next(&in, &err));
  EXPECT_EQ(in.url, "https://x.org/2");
  EXPECT_EQ(in.published, "2024-05-07");
  EXPECT_FALSE(OpenFeed("<rss><channel></channel></rss>", "empty.rss").ok());
}

}  // namespace
}  // namespace tocsin::ingest
