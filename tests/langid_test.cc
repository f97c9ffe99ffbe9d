// Language identification against the bar of the "reads the world's languages" issue: at least 99 % of
// the sentences of every per-language suite (tests/lang/<iso>/cases.jsonl) and every seed report
// identified as their language, by the detector compiled into the project model; and a document that
// changes language between paragraphs coded paragraph by paragraph.
#include <gtest/gtest.h>

#include <fasttext/fasttext.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "lexicon/model_data.h"
#include "test_support.h"
#include "text/langid.h"

namespace tocsin::testing {
namespace {

using json = nlohmann::json;

// Identifies every sentence of every language's suite (tests/lang/<iso>/cases.jsonl), as `written` gives it
// (the text as it stands, or upper-cased), printing the misses and each language's count.
struct Identified {
  int all = 0, right = 0;
};
Identified IdentifySuites(const Model& model, const fasttext::FastText* ft,
                          const std::function<std::string(const std::string& text, const std::string& iso)>& written) {
  Identified out;
  for (const std::string& iso : model.languages()) {
    std::ifstream in(SourceDir() + "/tests/lang/" + iso + "/cases.jsonl");
    int n = 0, ok = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      const std::string text = written(json::parse(line)["text"].get<std::string>(), iso);
      const text::LangGuess g = text::IdentifyLanguage(ft, text);
      ++n;
      if (g.lang == iso)
        ++ok;
      else
        std::cout << "  " << iso << " taken for " << g.lang << " (" << g.confidence << "): " << text << "\n";
    }
    std::cout << iso << ": " << ok << "/" << n << " sentences identified\n";
    out.all += n;
    out.right += ok;
  }
  return out;
}

TEST(LanguageId, EverySuiteSentenceIsItsLanguage) {
  auto model = ProjectModel();
  ASSERT_TRUE(model);
  const auto* ft = model->data().Lid();
  if (!ft) std::cout << "  (no fastText model compiled in: CLD2 alone is measured)\n";
  const Identified r = IdentifySuites(*model, ft, [](const std::string& text, const std::string&) { return text; });
  ASSERT_GT(r.all, 0);
  EXPECT_GE(static_cast<double>(r.right) / r.all, 0.99) << r.right << "/" << r.all;
}

// A headline in capitals ("LA POLICIA DISPERSA UNA MARCHA EN LIMA") is its language too: lid.176 learnt from
// text in mixed case and took such lines for English, or for nothing it could name.
TEST(LanguageId, SuiteSentencesInCapitalsAreTheirLanguage) {
  auto model = ProjectModel();
  ASSERT_TRUE(model);
  const auto* ft = model->data().Lid();
  if (!ft) GTEST_SKIP() << "no fastText model compiled in";
  const Identified r = IdentifySuites(*model, ft, [](const std::string& text, const std::string& iso) {
    std::string upper;
    icu::UnicodeString::fromUTF8(text).toUpper(icu::Locale(iso.c_str())).toUTF8String(upper);
    return upper;
  });
  ASSERT_GT(r.all, 0);
  EXPECT_GE(static_cast<double>(r.right) / r.all, 0.99) << r.right << "/" << r.all;
}

// FastTextPredict is predictLine without the istream: the same label and the same probability, bit for bit,
// on every suite sentence, on its pieces, and on text with tabs, NULs, line breaks and label-like words.
TEST(LanguageId, FastTextPredictGivesWhatPredictLineGives) {
  auto model = ProjectModel();
  ASSERT_TRUE(model);
  const auto* ft = model->data().Lid();
  if (!ft) GTEST_SKIP() << "no fastText model compiled in";
  std::vector<std::string> texts = {"", " ", "\n\n", "__label__en", "protest __label__fr in Paris",
                                    std::string("a\tb\0c\vd\fe\rf", 11),
                                    "\xC3\xA9t\xC3\xA9 \xD0\xB1\xD0\xB8 \xD8\xA7\xD9\x84"};
  for (const std::string& iso : model->languages()) {
    std::ifstream in(SourceDir() + "/tests/lang/" + iso + "/cases.jsonl");
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) texts.push_back(json::parse(line)["text"].get<std::string>());
  }
  std::mt19937 rng(7);
  const size_t whole = texts.size();
  for (size_t i = 0; i < whole; ++i) {  // pieces: words cut anywhere, twice each (the cache is then warm)
    const std::string& t = texts[i];
    if (t.size() < 4) continue;
    const size_t a = std::uniform_int_distribution<size_t>(0, t.size() / 2)(rng);
    texts.push_back(t.substr(a, t.size() / 3) + "\n" + t.substr(0, a));
  }
  int compared = 0;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& t : texts) {
      std::string line = t;
      std::replace(line.begin(), line.end(), '\n', ' ');
      line.push_back('\n');
      std::istringstream in(line);
      std::vector<std::pair<fasttext::real, std::string>> expected, got;
      ft->predictLine(in, expected, 1, 0.0);
      text::FastTextPredict(*ft, t, &got);
      ASSERT_EQ(got, expected) << "text: " << t;
      ++compared;
    }
  }
  EXPECT_GT(compared, 2000);
}

TEST(LanguageId, SeedsAreTheirLanguage) {
  const std::string shared = SharedDir();
  if (shared.empty()) GTEST_SKIP() << "../shared/seeds is absent: the seed language test needs it beside the checkout";
  auto model = ProjectModel();
  ASSERT_TRUE(model);
  // The gold document records give each seed's language; input.jsonl has the texts.
  std::map<std::string, std::string> gold;
  {
    std::ifstream in(shared + "/seeds/gold/docs.jsonl");
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) {
        const json r = json::parse(line);
        gold[r["doc"].get<std::string>()] = text::NormaliseLangTag(r["lang"].get<std::string>());
      }
  }
  std::ifstream in(shared + "/seeds/input.jsonl");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json r = json::parse(line);
    const std::string id = r["id"].get<std::string>();
    ASSERT_TRUE(gold.count(id)) << id;
    Doc doc = CodeText(r["text"].get<std::string>(), r.value("published", ""), "");
    EXPECT_EQ(doc.lang, gold[id]) << id;
    EXPECT_TRUE(doc.lang_spans.empty()) << id << " is one language";
    ++n;
  }
  EXPECT_EQ(n, 5);
}

// The document's language is voted from its start, middle and end; a later sample is taken as the first
// one's language without fastText only when it plainly reads as that language (its stopwords), so an
// opening quotation in French does not make an English report French.
TEST(LanguageId, AnOpeningQuotationDoesNotDecideTheDocument) {
  auto model = ProjectModel();
  ASSERT_TRUE(model);
  if (!model->data().Lang("fr")) GTEST_SKIP() << "no French lexicons in this model";
  const std::string fr =
      "« Nous ne reculerons pas tant que le gouvernement n'aura pas retiré cette loi injuste, et nous appelons "
      "tous les travailleurs du pays à nous rejoindre dans la rue dès demain matin devant les préfectures », "
      "a déclaré la secrétaire générale du syndicat devant une foule de plusieurs milliers de personnes réunies "
      "sur la place centrale de la ville, sous une pluie battante et au son des tambours et des sifflets. "
      "« C'est le début d'un mouvement qui ne s'arrêtera pas », a-t-elle ajouté sous les applaudissements.";
  std::string en;
  for (int i = 0; i < 6; ++i)
    en +=
        "The union leader spoke to several thousand striking workers who had gathered in the main square of "
        "the city in heavy rain, and the police stood at the edges of the crowd without intervening while the "
        "speeches went on into the evening. ";
  ASSERT_GT(fr.size(), 512u);
  ASSERT_GT(fr.size() + en.size(), 3 * 512u);
  Doc doc = CodeText(fr + "\n\n" + en, "2024-03-05", "");
  EXPECT_EQ(doc.lang, "en");
  EXPECT_GT(doc.lang_confidence, 0.5);
  // An English document whose samples all read as English is English, with the first sample's confidence.
  Doc plain = CodeText(en + "\n\n" + en, "2024-03-05", "");
  EXPECT_EQ(plain.lang, "en");
  EXPECT_GT(plain.lang_confidence, 0.9);
}

TEST(LanguageId, AParagraphInAnotherLanguageIsCodedInIt) {
  auto model = ProjectModel();
  ASSERT_TRUE(model);
  if (!model->data().Lang("fr")) GTEST_SKIP() << "no French lexicons in this model";
  const std::string en =
      "Thousands of people marched through the centre of Almaty on Sunday to protest against rising fuel prices, "
      "and the police watched from the side streets without intervening. Organisers said the march was the "
      "largest in the city for a decade.";
  const std::string fr =
      "La police a arrêté une quarantaine de manifestants devant la mairie d'Almaty lundi, selon un communiqué "
      "du ministère de l'Intérieur publié dans la soirée. Les avocats des personnes interpellées dénoncent des "
      "arrestations arbitraires.";
  const std::string en2 =
      "The interior ministry later said that the detained men would be charged with organising an unauthorised "
      "rally, an offence that carries a fine or up to fifteen days in jail, and that most had already been "
      "released after questioning.";
  Doc doc = CodeText(en + "\n\n" + fr + "\n\n" + en2, "2024-03-05", "");
  EXPECT_EQ(doc.lang, "en");
  ASSERT_EQ(doc.lang_spans.size(), 1u);
  EXPECT_EQ(doc.lang_spans[0].lang, "fr");
  EXPECT_EQ(doc.lang_spans[0].span.begin, en.size() + 2);
  EXPECT_EQ(doc.lang_spans[0].span.end, en.size() + 2 + fr.size());
  bool english = false, french = false;
  for (const Event& e : doc.events) {
    english = english || (e.lang == "en" && e.type == EventType::kProtest);
    french = french || (e.lang == "fr" && e.type == EventType::kCoerce);
  }
  EXPECT_TRUE(english) << "the English protest is coded";
  EXPECT_TRUE(french) << "the French arrests are coded with the French lexicons";
}

}  // namespace
}  // namespace tocsin::testing
