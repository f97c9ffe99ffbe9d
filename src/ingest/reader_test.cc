// The input readers on files made by the tests.
#include "ingest/reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

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

// ParseJsonLine reads most lines with simdjson and hands the rest to the nlohmann-json reference; a line
// read either way must come out as the reference reads it, to the byte and the message.
void ExpectSameAsReference(const std::string& line) {
  Input fast, reference;
  const Status fast_status = InputStream::ParseJsonLine(line, &fast);
  const Status reference_status = internal::ParseJsonLineReference(line, &reference);
  EXPECT_EQ(fast_status.code(), reference_status.code()) << line;
  EXPECT_EQ(fast_status.message(), reference_status.message()) << line;
  EXPECT_EQ(fast.id, reference.id) << line;
  EXPECT_EQ(fast.text, reference.text) << line;
  EXPECT_EQ(fast.published, reference.published) << line;
  EXPECT_EQ(fast.lang, reference.lang) << line;
  EXPECT_EQ(fast.url, reference.url) << line;
  EXPECT_EQ(fast.source, reference.source) << line;
  EXPECT_EQ(fast.title, reference.title) << line;
  EXPECT_EQ(fast.format, reference.format) << line;
  EXPECT_EQ(fast.problems, reference.problems) << line;
}

Input ParseOk(const std::string& line) {
  Input in;
  const Status s = InputStream::ParseJsonLine(line, &in);
  EXPECT_TRUE(s.ok()) << line << ": " << s.ToString();
  return in;
}

std::string ParseError(const std::string& line) {
  Input in;
  const Status s = InputStream::ParseJsonLine(line, &in);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << line;
  return s.message();
}

TEST(Reader, BadLinesKeepTheirMessages) {
  EXPECT_EQ(ParseError("{\"id\":\"a\",\"text\":\"t\""),
            "not a JSON object (parse error at byte 21): each line must be one input record, see FORMAT.md");
  EXPECT_EQ(ParseError("{\"id\":\"b\",\"text\":\"t\"} x"),
            "not a JSON object (parse error at byte 23): each line must be one input record, see FORMAT.md");
  EXPECT_EQ(ParseError("\"just a string\""), "a JSON value that is not an object: expected an input record");
  EXPECT_EQ(ParseError("[1,2]"), "a JSON value that is not an object: expected an input record");
  EXPECT_EQ(ParseError("{\"id\":\"c\",\"text\":\"x\",\"n\":1e400}"),
            "not a usable JSON record ([json.exception.out_of_range.406] number overflow parsing '1e400')");
  EXPECT_EQ(ParseError("{\"id\":\"s\",\"text\":\"\\ud800\"}"),
            "not a JSON object (parse error at byte 25): each line must be one input record, see FORMAT.md");
  EXPECT_EQ(ParseError("{\"id\":\"t\",\"text\":\"a\tb\"}"),
            "not a JSON object (parse error at byte 20): each line must be one input record, see FORMAT.md");
  EXPECT_EQ(ParseError("{\"id\":null,\"text\":\"t\"}"), "record has no `id`: every input record needs one (FORMAT.md)");
  EXPECT_EQ(ParseError("{\"id\":\"x\",\"text\":null,\"html\":\"\"}"), "record has no `text` (nor `html`)");
}

TEST(Reader, FieldsOfEveryTypeAreReadAsBefore) {
  EXPECT_EQ(ParseOk("{\"id\":7,\"text\":\"t\"}").id, "7");
  EXPECT_EQ(ParseOk("{\"id\":-0,\"text\":\"t\"}").id, "0");
  EXPECT_EQ(ParseOk("{\"id\":18446744073709551615,\"text\":\"t\"}").id, "-1");  // nlohmann's get<int64_t>()
  EXPECT_EQ(ParseOk("{\"id\":1.0,\"text\":\"t\"}").id, "1.0");
  EXPECT_EQ(ParseOk("{\"id\":123456789012345678901234,\"text\":\"t\"}").id, "1.2345678901234569e+23");
  EXPECT_EQ(ParseOk("{\"id\":true,\"text\":\"t\"}").id, "true");
  EXPECT_EQ(ParseOk("{\"id\":{\"b\":1,\"a\":[1.5,\"x\"]},\"text\":\"t\"}").id, "{\"a\":[1.5,\"x\"],\"b\":1}");
  EXPECT_EQ(ParseOk("{\"id\":\"d\",\"text\":\"t\",\"id\":\"e\"}").id, "e");  // the last of a repeated key
  EXPECT_EQ(ParseOk("{\"\\u0069d\":\"k\",\"text\":\"t\"}").id, "k");         // keys are compared unescaped
  EXPECT_EQ(ParseOk("{\"id\":\"x\",\"text\":\"caf\\u00e9 \\ud83d\\ude00\\n\"}").text, "caf\xc3\xa9 \xf0\x9f\x98\x80\n");
  const Input page = ParseOk("{\"id\":\"h\",\"text\":\"\",\"html\":\"<p>Police came.</p>\",\"title\":null}");
  EXPECT_EQ(page.text, "<p>Police came.</p>");
  EXPECT_EQ(page.format, "html");
  EXPECT_EQ(page.title, "");
  // nlohmann-json skips a byte-order mark and stops at a NUL byte; simdjson refuses both, and the line is
  // read by the reference.
  EXPECT_EQ(ParseOk("\xef\xbb\xbf{\"id\":\"bom\",\"text\":\"t\"}").id, "bom");
  EXPECT_EQ(ParseOk(std::string("{\"id\":\"nul\",\"text\":\"t\"}\0junk", 27)).id, "nul");
}

// Lines of input records as they come, and as they come broken: mostly values the fast parser takes
// (strings, integers, null), some that it leaves to the reference, and some damage to the line.
std::string RandomLine(std::mt19937_64& rng) {
  static const std::vector<std::string> kKeys = {
      "id", "text", "html", "title", "url", "source", "lang", "published", "other", "\\u0069d", "te\\u0078t", "", "ID"};
  static const std::vector<std::string> kTaken = {
      "\"\"", "\"x\"", "\"Police came.\"", "\"a\\nb\\\"c\\\\d\\/e\\t\"", "\"caf\\u00e9 \\ud83d\\ude00\"",
      "\"caf\xc3\xa9\"", "\"\\u0000\"", "0", "-0", "42", "-7", "9223372036854775807", "9223372036854775808",
      "18446744073709551615", "-9223372036854775808", "null"};
  static const std::vector<std::string> kOthers = {
      "\"\xff\"", "\"caf\xe9\"", "\"\\ud800\"", "\"\\udc00\"", "\"\x01\"", "18446744073709551616",
      "-9223372036854775809", "1.0", "1e5", "-0.0", "0.1", "1e400", "1e-400", "true", "false", "[1,\"a\"]",
      "{\"b\":1,\"a\":[]}", "[[[[[[]]]]]]", "01", "1.", "tru", "\"unterminated"};
  auto value = [&] { return rng() % 8 ? kTaken[rng() % kTaken.size()] : kOthers[rng() % kOthers.size()]; };
  std::string line = rng() % 30 ? "{" : "[";
  if (rng() % 2) line += "\"id\":" + value() + ",\"text\":" + value() + (rng() % 2 ? "," : "");
  const size_t fields = line.back() == ',' || line.size() == 1 ? rng() % 6 : 0;
  for (size_t i = 0; i < fields; ++i) {
    if (i) line += rng() % 2 ? "," : " , ";
    line += "\"" + kKeys[rng() % kKeys.size()] + "\"" + (rng() % 2 ? ":" : " : ") + value();
  }
  if (line.back() == ',') line.pop_back();
  line += line[0] == '{' ? "}" : "]";
  switch (rng() % 16) {
    case 0:
      line.resize(rng() % (line.size() + 1));  // truncated
      break;
    case 1:
      line.insert(rng() % (line.size() + 1), 1, static_cast<char>(rng()));  // a stray byte
      break;
    case 2:
      line = "\xef\xbb\xbf" + line;
      break;
    case 3:
      line += rng() % 2 ? std::string("\0tail", 5) : std::string(" x");
      break;
    case 4:
      line += "\r";
      break;
    default:
      break;
  }
  return line;
}

TEST(Reader, FastParserAgreesWithTheReferenceOnRandomLines) {
  std::mt19937_64 rng(8);
  for (int i = 0; i < 30000; ++i) {
    ExpectSameAsReference(RandomLine(rng));
    if (HasFailure()) return;  // one line is enough to see the difference
  }
}

// A record longer than the buffers kept between lines (1 MiB) is read whole, and the lines after it too.
TEST(Reader, AHugeLineAndTheLinesAfterIt) {
  TempDir d;
  const std::string big(3 << 20, 'a');
  const std::string f = d.Write("big.jsonl", "{\"id\":\"a\",\"text\":\"small\"}\n{\"id\":\"big\",\"text\":\"" + big +
                                                 "\"}\n{\"id\":\"c\",\"text\":\"after\"}\n");
  Read r = ReadAll({f});
  ASSERT_EQ(r.inputs.size(), 3u);
  for (const Status& e : r.errors) EXPECT_TRUE(e.ok()) << e.ToString();
  EXPECT_EQ(r.inputs[1].id, "big");
  EXPECT_EQ(r.inputs[1].text, big);
  EXPECT_EQ(r.inputs[2].text, "after");
}

}  // namespace
}  // namespace tocsin::ingest
