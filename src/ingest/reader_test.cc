// The input readers on files made by the tests.
#include "ingest/reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace tocsin::ingest {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() : root_(fs::path(::testing::TempDir()) / ("tocsin_reader_" + std::to_string(getpid()))) {
    fs::create_directories(root_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string Write(const std::string& name, const std::string& content) {
    fs::create_directories((root_ / name).parent_path());
    std::ofstream(root_ / name, std::ios::binary) << content;
    return (root_ / name).string();
  }
  std::string path() const { return root_.string(); }

 private:
  fs::path root_;
};

struct Read {
  std::vector<Input> inputs;
  std::vector<Status> errors;
};

Read ReadAll(const std::vector<std::string>& paths) {
  Read r;
  auto s = InputStream::Open(paths);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return r;
  Input in;
  Status err;
  while ((*s)->Next(&in, &err)) {
    r.inputs.push_back(in);
    r.errors.push_back(err);
  }
  return r;
}

// Regression (found by fuzz_jsonl_reader): nlohmann-json throws on a number overflow even when asked not
// to; the exception escaped and ended the process.
TEST(Reader, NumberOverflowIsAnErrorForThatLineOnly) {
  TempDir d;
  const std::string f = d.Write("a.jsonl",
                                "{\"id\":\"x\",\"text\":\"t\",\"n\":77777E77777}\n{\"id\":\"y\",\"text\":\"Police came.\"}\n");
  Read r = ReadAll({f});
  ASSERT_EQ(r.inputs.size(), 2u);
  EXPECT_FALSE(r.errors[0].ok());
  EXPECT_NE(r.errors[0].message().find("a.jsonl:1"), std::string::npos);
  EXPECT_TRUE(r.errors[1].ok());
  EXPECT_EQ(r.inputs[1].id, "y");
}

TEST(Reader, InvalidUtf8InsideARecordIsRepairedAndNoted) {
  TempDir d;
  const std::string f = d.Write("a.jsonl", "{\"id\":\"x\",\"text\":\"caf\xE9 protest\"}\n");
  Read r = ReadAll({f});
  ASSERT_EQ(r.inputs.size(), 1u);
  EXPECT_TRUE(r.errors[0].ok()) << r.errors[0].ToString();
  ASSERT_EQ(r.inputs[0].problems.size(), 1u);
  EXPECT_NE(r.inputs[0].problems[0].find("invalid UTF-8"), std::string::npos);
}

TEST(Reader, RecordsNeedAnIdAndText) {
  TempDir d;
  const std::string f = d.Write("a.jsonl", "{\"text\":\"no id\"}\n{\"id\":\"x\"}\n[1,2]\n");
  Read r = ReadAll({f});
  ASSERT_EQ(r.inputs.size(), 3u);
  EXPECT_NE(r.errors[0].message().find("no `id`"), std::string::npos);
  EXPECT_NE(r.errors[1].message().find("no `text`"), std::string::npos);
  EXPECT_NE(r.errors[2].message().find("not an object"), std::string::npos);
}

TEST(Reader, DirectoriesAreWalkedInNameOrderAndOtherFilesIgnored) {
  TempDir d;
  d.Write("b/2.txt", "second");
  d.Write("a.txt", "first");
  d.Write("b/1.jsonl", "{\"id\":\"j\",\"text\":\"t\"}\n");
  d.Write("b/image.png", "\x89PNG");
  Read r = ReadAll({d.path()});
  ASSERT_EQ(r.inputs.size(), 3u);
  EXPECT_EQ(r.inputs[0].id, "a");
  EXPECT_EQ(r.inputs[1].id, "j");
  EXPECT_EQ(r.inputs[2].id, "2");
}

TEST(Reader, AMissingPathFailsAtOnceAndAnEmptyJsonlIsReported) {
  EXPECT_EQ(InputStream::Open({"/nonexistent/x.txt"}).status().code(), Status::Code::kNotFound);
  TempDir d;
  Read r = ReadAll({d.Write("e.jsonl", "\n\n")});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message().find("no input records"), std::string::npos);
}

// Regression (fuzz_warc): a file of bare record headers is one error per header, and reading ends. The fuzz
// target's bound (one error per 16 bytes) was tighter than such a file allows.
TEST(Reader, AWarcOfBareHeadersIsOneErrorEachAndEnds) {
  TempDir dir;
  std::string bytes;
  for (int i = 0; i < 40; ++i) bytes += "WARC/1.0\r\n\r\n";
  const std::string path = dir.Write("bare.warc", bytes);
  auto in = InputStream::Open({path});
  ASSERT_TRUE(in.ok()) << in.status().message();
  Input input;
  Status err;
  size_t records = 0, errors = 0;
  while ((*in)->Next(&input, &err)) {
    ++records;
    if (!err.ok()) ++errors;
    ASSERT_LE(records, 41u) << "reading does not end";
  }
  EXPECT_EQ(errors, records);
  EXPECT_GE(errors, 1u);
}

}  // namespace
}  // namespace tocsin::ingest
