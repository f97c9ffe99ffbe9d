// The lexicon compiler, the model file and the matcher, on small data directories made by the tests.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "lexicon/compiler.h"
#include "lexicon/matcher.h"
#include "text/segment.h"
#include "text/stem.h"
#include "tocsin/model.h"
#include "tocsin/pipeline.h"

namespace tocsin::internal {
namespace {

namespace fs = std::filesystem;

// A minimal data directory: one language, a few entries of each kind.
class DataDir {
 public:
  // The directory name carries the process id: CTest runs tests of this binary in parallel processes.
  DataDir()
      : root_(fs::path(::testing::TempDir()) /
              ("tocsin_data_" + std::to_string(getpid()) + "_" + std::to_string(counter_++))) {
    fs::create_directories(root_ / "lang/en");
    fs::create_directories(root_ / "world");
    fs::create_directories(root_ / "actors");
    Write("world/countries.tsv", "KGZ\tKG\tKyrgyzstan\tBishkek\t42.87\t74.59\t1528675\n");
    Write("world/places.tsv", "kgz-osh\tOsh\tKGZ\tOsh\t40.53\t72.80\t1527534\tcity\n");
    Write("lang/en/lang.tsv", "stemmer\tenglish\nplural\ts\n");
    Write("lang/en/triggers.tsv", "# comment\nopen ... fire\tASSAULT\tfirearms\nstorm\tPROTEST\triot\tweak\n");
    Write("lang/en/agents.tsv", "=protesters\tPRO\tprotesters\nriot police\tCOP\n");
    Write("lang/en/countries.tsv", "KGZ\tname\tKyrgyzstan\nKGZ\tdemonym\tKyrgyz\n");
    Write("lang/en/places.tsv", "kgz-osh\tOsh\n");
  }
  ~DataDir() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void Write(const std::string& rel, const std::string& content) { std::ofstream(root_ / rel) << content; }
  std::string path() const { return root_.string(); }

 private:
  static inline int counter_ = 0;
  fs::path root_;
};

TEST(Compiler, BuildsEveryKindAndRoundTripsThroughTheFile) {
  DataDir d;
  ModelBuildReport report;
  auto m = CompileData(d.path(), &report);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ((*m)->langs.size(), 1u);
  EXPECT_EQ(report.languages, std::vector<std::string>{"en"});
  const std::string bytes = Serialize(**m);
  auto back = Deserialize(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  // Languages read from a file are parsed on first use.
  EXPECT_TRUE((*back)->langs[0].entries.empty());
  const LangData* en = (*back)->Lang("en");
  ASSERT_NE(en, nullptr);
  EXPECT_EQ(en->entries.size(), (*m)->langs[0].entries.size());
  EXPECT_EQ(Serialize(**back), bytes);
  EXPECT_EQ((*back)->countries[0].geonames, 1528675);
  EXPECT_EQ((*back)->places[0].name, "Osh");
}

TEST(Compiler, AMalformedLineNamesFileAndLine) {
  DataDir d;
  d.Write("lang/en/triggers.tsv", "open fire\tASSAULT\nstorm\tRIOTING\n");
  auto m = CompileData(d.path(), nullptr);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("lang/en/triggers.tsv:2"), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("RIOTING"), std::string::npos);
}

TEST(Compiler, AnUnknownCountryCodeIsAnError) {
  DataDir d;
  d.Write("lang/en/countries.tsv", "XYZ\tname\tNowhere\n");
  auto m = CompileData(d.path(), nullptr);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("XYZ"), std::string::npos);
}

TEST(ModelFile, WrongMagicTruncationAndVersionAreRefused) {
  DataDir d;
  auto m = CompileData(d.path(), nullptr);
  ASSERT_TRUE(m.ok());
  std::string bytes = Serialize(**m);
  EXPECT_EQ(Deserialize("not a model at all").status().code(), Status::Code::kCorrupt);
  EXPECT_EQ(Deserialize(bytes.substr(0, bytes.size() / 2)).status().code(), Status::Code::kCorrupt);
  std::string future = bytes;
  future[8] = 99;  // format version, little-endian u32 after the magic
  EXPECT_EQ(Deserialize(future).status().code(), Status::Code::kUnsupported);
  std::string flipped = bytes;
  flipped[20] ^= 0x20;  // one damaged byte in the fields read at load (the file list)
  EXPECT_EQ(Deserialize(flipped).status().code(), Status::Code::kCorrupt);
  // One damaged byte in a language block: the model loads (the block is verified when first needed), and
  // the language is refused with its reason, never half-read.
  auto good = Deserialize(bytes);
  ASSERT_TRUE(good.ok());
  ASSERT_FALSE((*good)->langs.empty());
  const internal::LangData& first = (*good)->langs.front();
  const size_t at = static_cast<size_t>(first.packed.data() - (*good)->raw.data()) + first.packed.size() / 2;
  std::string in_block = bytes;
  in_block[at] ^= 0x20;
  auto damaged = Deserialize(in_block);
  ASSERT_TRUE(damaged.ok()) << damaged.status().message();
  EXPECT_EQ((*damaged)->Lang(first.iso), nullptr);
  EXPECT_EQ((*damaged)->LangError(first.iso).code(), Status::Code::kCorrupt);
  EXPECT_NE((*damaged)->LangError(first.iso).message().find(first.iso), std::string::npos);
}

TEST(ModelFile, BuildWritesAFileThatLoads) {
  DataDir d;
  const std::string out = ::testing::TempDir() + "/lexicon_test_" + std::to_string(getpid()) + ".model";
  ModelBuildReport report;
  ASSERT_TRUE(Model::Build(d.path(), out, &report).ok());
  EXPECT_GT(report.bytes, 0u);
  auto m = Model::Load(out);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->languages(), std::vector<std::string>{"en"});
  EXPECT_EQ(Model::Load(out + ".missing").status().code(), Status::Code::kNotFound);
}

// Matches `text` against the test lexicon and returns "pattern@begin-end" strings.
std::vector<std::string> MatchText(const ModelData& m, const std::string& text) {
  const LangData& lang = m.langs[0];
  auto seg = text::Segmenter::Create("en", {});
  Doc doc;
  doc.text = text;
  (*seg)->Segment(&doc, 0);
  auto stem = text::Stemmer::Create("english");
  for (Token& t : doc.tokens) {
    auto ex = lang.exact_ids.find(doc.folded_of(t));
    t.exact_id = ex == lang.exact_ids.end() ? 0 : ex->second;
    auto st = lang.stem_ids.find(stem->Stem(doc.folded_of(t)));
    t.stem_id = st == lang.stem_ids.end() ? 0 : st->second;
  }
  std::vector<Match> ms;
  MatchAll(lang, doc.tokens, 0, static_cast<uint32_t>(doc.tokens.size()), &ms);
  SelectLongest(lang, &ms);
  std::vector<std::string> out;
  for (const Match& x : ms)
    out.push_back(lang.entries[x.entry].pattern + "@" + std::to_string(x.begin) + "-" + std::to_string(x.end));
  return out;
}

TEST(Matcher, StemsGapsAndExactForms) {
  DataDir d;
  auto m = CompileData(d.path(), nullptr);
  ASSERT_TRUE(m.ok());
  // "opened heavy fire": a gap; "protesters" exact; "protest" is not "protesters".
  EXPECT_EQ(MatchText(**m, "Riot police opened heavy fire on protesters"),
            (std::vector<std::string>{"riot police@0-2", "open ... fire@2-5", "=protesters@6-7"}));
  EXPECT_TRUE(MatchText(**m, "They protest").empty());
  // Plural rules give the singular of an agent: "riot policeS" is not needed, "protester" is exact only.
  EXPECT_EQ(MatchText(**m, "Kyrgyz protesters stormed Osh"),
            (std::vector<std::string>{"Kyrgyz@0-1", "=protesters@1-2", "storm@2-3", "Osh@3-4"}));
}

TEST(Matcher, GapsDoNotCrossPunctuation) {
  DataDir d;
  auto m = CompileData(d.path(), nullptr);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(MatchText(**m, "They opened the gates; fire broke out").empty());
}

// A second language with the lang.tsv keys for inflected names and another script.
TEST(Matcher, InflectedAndTransliteratedNames) {
  DataDir d;
  std::filesystem::create_directories(d.path() + "/lang/ru");
  d.Write("lang/en/countries.tsv", "KGZ\tname\tKyrgyzstan\nKGZ\tcapital\tBishkek\n");
  d.Write("actors/people.tsv", "Askar Akayev|Akayev\tKGZ\tGOV\tpresident\t1990-10-27\t2005-04-11\n");
  d.Write("lang/ru/lang.tsv",
          "name\tRussian\nscript\tCyrl\nstemmer\trussian\nname_endings\tе|а|ом\n"
          "translit\tRussian-Latin/BGN; Kazakh-Latin/BGN\n");
  d.Write("lang/ru/stopwords.txt", "того\n");
  d.Write("lang/ru/countries.tsv", "KGZ\tcapital\tБишкек\n");
  auto m = CompileData(d.path(), nullptr);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto model = Model::FromData(d.path());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto p = Pipeline::Create(*model, PipelineOptions());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  Worker w = (*p)->NewWorker();
  auto mentions = [&](const std::string& text) {
    Input in;
    in.id = "t";
    in.text = text;
    in.lang = "ru";
    Doc doc;
    EXPECT_TRUE(w.Code(in, &doc).ok());
    std::vector<std::string> out;
    for (const Mention& mn : doc.mentions) out.push_back(mn.actor.text + "=" + mn.actor.country);
    return out;
  };
  // A case ending on a native name; a Latin name reached through transliteration, inflected too.
  EXPECT_EQ(mentions("Встреча в Бишкеке."), (std::vector<std::string>{"Бишкеке=KGZ"}));
  EXPECT_EQ(mentions("Акаева видели в Оше."), (std::vector<std::string>{"Акаева=KGZ", "Оше=KGZ"}));
  // Only capitalised words are names: a common word that transliterates to a name is left alone.
  EXPECT_TRUE(mentions("бишкеке того.").empty());
}

}  // namespace
}  // namespace tocsin::internal
