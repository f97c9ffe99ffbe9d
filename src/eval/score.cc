#include "eval/score.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

namespace tocsin::eval {
namespace {

using nlohmann::json;

// norm(): NFKC, no-break space to space, lower case, typographic quotes to ASCII.
icu::UnicodeString Norm(const std::string& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  icu::UnicodeString u = nfkc->normalize(icu::UnicodeString::fromUTF8(s), status);
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x00A0)), icu::UnicodeString(' '));
  u.toLower(icu::Locale::getRoot());
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x2019)), icu::UnicodeString('\''));
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x2018)), icu::UnicodeString('\''));
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x201C)), icu::UnicodeString('"'));
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x201D)), icu::UnicodeString('"'));
  return u;
}

// Python's \w: letters, digits of every kind, and the underscore.
bool IsWordChar(UChar32 c) {
  if (c == '_') return true;
  const int8_t t = u_charType(c);
  return t == U_UPPERCASE_LETTER || t == U_LOWERCASE_LETTER || t == U_TITLECASE_LETTER || t == U_MODIFIER_LETTER ||
         t == U_OTHER_LETTER || t == U_DECIMAL_DIGIT_NUMBER || t == U_LETTER_NUMBER || t == U_OTHER_NUMBER;
}

std::vector<std::string> Toks(const std::string& s) {
  icu::UnicodeString u = Norm(s);
  std::vector<std::string> out;
  icu::UnicodeString cur;
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (IsWordChar(c)) {
      cur.append(c);
    } else if (!cur.isEmpty()) {
      std::string w;
      cur.toUTF8String(w);
      out.push_back(std::move(w));
      cur.remove();
    }
  }
  if (!cur.isEmpty()) {
    std::string w;
    cur.toUTF8String(w);
    out.push_back(std::move(w));
  }
  return out;
}

std::string NormStr(const std::string& s) {
  std::string out;
  Norm(s).toUTF8String(out);
  return out;
}

// Python's round(v, 3): the decimal nearest to the exact binary value, ties to even. printf rounds the
// exact value too, so one formatting step reproduces it (nearbyint(v * 1000) would round twice).
double Round3(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return std::strtod(buf, nullptr);
}

double Overlap(const std::string& evidence, const std::string& sentence) {
  const auto e = Toks(evidence);
  const auto sv = Toks(sentence);
  const std::set<std::string> s(sv.begin(), sv.end());
  size_t hit = 0;
  for (const auto& t : e) hit += s.count(t);
  return static_cast<double>(hit) / static_cast<double>(std::max<size_t>(1, e.size()));
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// -1 = not applicable, 0 = wrong, 1 = right
int ActorOk(const json& gold, const json& sys_actors, const char* key) {
  if (!gold.is_object() || !gold.contains(key) || gold[key].is_null()) return -1;
  std::set<std::string> want;
  if (gold[key].is_array()) {
    for (const auto& v : gold[key])
      if (v.is_string()) want.insert(v.get<std::string>());
  } else if (gold[key].is_string()) {
    want.insert(gold[key].get<std::string>());
  }
  if (sys_actors.is_array())
    for (const auto& a : sys_actors)
      if (a.is_object() && a.contains(key) && a[key].is_string() && !a[key].get<std::string>().empty() &&
          want.count(a[key].get<std::string>()))
        return 1;
  return 0;
}

int PlaceOk(const json& gold, const json& sp) {
  if (!gold.is_object() || gold.empty()) return -1;
  if (!sp.is_object()) return 0;
  const std::string gc = Str(gold, "country");
  if (!gc.empty() && Str(sp, "country") != gc) return 0;
  const std::string gn = NormStr(Str(gold, "name"));
  if (gn == NormStr(Str(sp, "name")) || gn == NormStr(Str(sp, "text"))) return 1;
  const std::string name = Str(gold, "name");
  return (name == "Kyrgyzstan" || name == "Kazakhstan" || name == "Russia") && Str(sp, "country") == gc ? 1 : 0;
}

int DateOk(const json& gold, const json& sd) {
  if (!gold.is_string() || gold.get<std::string>().empty()) return -1;
  const std::string g = gold.get<std::string>();
  std::string v = sd.is_object() ? Str(sd, "value") : "";
  return v.substr(0, std::min(v.size(), g.size())) == g ? 1 : 0;
}

int CountOk(const json& gold, const json& sc) {
  if (gold.is_null()) return -1;
  return sc.is_object() && sc.contains("value") && sc["value"] == gold ? 1 : 0;
}

Result<std::vector<json>> Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read `" + path + "`");
  std::vector<json> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j;
    try {  // nlohmann-json throws on some errors (number overflow) even when asked not to
      j = json::parse(line, nullptr, false);
    } catch (const json::exception&) {
      j = json::value_t::discarded;
    }
    if (j.is_discarded() || !j.is_object())
      return Status::InvalidArgument(path + ":" + std::to_string(n) + ": not a JSON object");
    out.push_back(std::move(j));
  }
  return out;
}

std::string Fmt3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  std::string s = buf;
  while (s.size() > 1 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  return s;
}

}  // namespace

Result<Score> ScoreFiles(const std::string& gold_path, const std::string& system_path) {
  auto gold_r = Load(gold_path);
  if (!gold_r.ok()) return gold_r.status();
  auto sys_r = Load(system_path);
  if (!sys_r.ok()) return sys_r.status();
  std::vector<json>& gold = *gold_r;
  std::vector<json>& system = *sys_r;

  std::set<std::string> gold_docs;
  for (const json& g : gold) gold_docs.insert(Str(g, "doc"));
  std::map<std::string, std::vector<size_t>> by_doc;
  for (size_t i = 0; i < system.size(); ++i)
    if (gold_docs.count(Str(system[i], "doc"))) by_doc[Str(system[i], "doc")].push_back(i);

  auto order = [](const std::string& st) { return st == "required" ? 0 : st == "optional" ? 1 : 2; };
  std::vector<size_t> gi(gold.size());
  for (size_t i = 0; i < gi.size(); ++i) gi[i] = i;
  std::stable_sort(gi.begin(), gi.end(),
                   [&](size_t a, size_t b) { return order(Str(gold[a], "status")) < order(Str(gold[b], "status")); });
  std::map<std::string, size_t> matched;
  std::set<size_t> used;
  // As the reference: a missing modality is asserted; a null one is not.
  auto modality = [&](const json& s) {
    auto it = s.find("modality");
    if (it == s.end()) return std::string("asserted");
    return it->is_string() ? it->get<std::string>() : std::string("null");
  };
  for (size_t k : gi) {
    const json& g = gold[k];
    const std::string status = Str(g, "status");
    std::set<std::string> types{Str(g, "type")};
    if (g.contains("type_alt") && g["type_alt"].is_array())
      for (const auto& t : g["type_alt"])
        if (t.is_string()) types.insert(t.get<std::string>());
    bool have = false;
    std::tuple<bool, int, double> best_key;
    size_t best = 0;
    for (size_t si : by_doc[Str(g, "doc")]) {
      const json& s = system[si];
      if ((status != "negative" && used.count(si)) || !types.count(Str(s, "type"))) continue;
      if (status == "negative" && modality(s) != "asserted") continue;
      const json sentence = s.contains("sentence") && s["sentence"].is_object() ? s["sentence"] : json::object();
      const double ov = Overlap(Str(g, "evidence"), Str(sentence, "text"));
      if (ov < 0.6) continue;
      int agree = 0;
      for (const char* c : {"dead", "injured", "arrested", "size"}) {
        if (!g.contains(c) || g[c].is_null()) continue;
        if (s.contains(c) && s[c].is_object() && s[c].contains("value") && s[c]["value"] == g[c]) ++agree;
      }
      agree += PlaceOk(g.contains("place") ? g["place"] : json(), s.contains("place") ? s["place"] : json()) == 1;
      std::tuple<bool, int, double> key{Str(s, "type") == Str(g, "type"), agree, Round3(ov)};
      if (!have || key > best_key) {
        best_key = key;
        best = si;
        have = true;
      }
    }
    if (have) {
      matched[Str(g, "id")] = best;
      if (status != "negative") used.insert(best);
    }
  }
  Score out;
  int asserted = 0, good = 0;
  for (const auto& [doc, list] : by_doc)
    for (size_t si : list)
      if (modality(system[si]) == "asserted") {
        ++asserted;
        if (used.count(si)) ++good;
      }
  for (const json& g : gold) {
    const std::string status = Str(g, "status");
    if (status == "required") {
      ++out.required;
      if (matched.count(Str(g, "id")))
        ++out.matched;
      else
        out.missed.push_back(Str(g, "id"));
    } else if (status == "negative" && matched.count(Str(g, "id"))) {
      out.modality_errors.push_back(Str(g, "id"));
    }
  }
  for (const json& g : gold) {
    if (Str(g, "status") != "required" || !matched.count(Str(g, "id"))) continue;
    const json& s = system[matched[Str(g, "id")]];
    auto get = [](const json& j, const char* k) { return j.contains(k) ? j[k] : json(); };
    const json gs = get(g, "source"), gt = get(g, "target");
    std::vector<std::pair<const char*, int>> checks = {
        {"source.country", gs.is_object() && !gs.empty() ? ActorOk(gs, get(s, "source"), "country") : -1},
        {"source.sector", gs.is_object() && !gs.empty() ? ActorOk(gs, get(s, "source"), "sector") : -1},
        {"target.country", gt.is_object() && !gt.empty() ? ActorOk(gt, get(s, "target"), "country") : -1},
        {"target.sector", gt.is_object() && !gt.empty() ? ActorOk(gt, get(s, "target"), "sector") : -1},
        {"place", PlaceOk(get(g, "place"), get(s, "place"))},
        {"date", DateOk(get(g, "date"), get(s, "date"))},
        {"dead", CountOk(get(g, "dead"), get(s, "dead"))},
        {"injured", CountOk(get(g, "injured"), get(s, "injured"))},
        {"size", CountOk(get(g, "size"), get(s, "size"))},
        {"arrested", CountOk(get(g, "arrested"), get(s, "arrested"))},
        {"mode", g.contains("mode") && g["mode"].is_string() && !g["mode"].get<std::string>().empty()
                     ? (Str(s, "mode") == Str(g, "mode") ? 1 : 0)
                     : -1},
    };
    for (const auto& [k, v] : checks) {
      if (v < 0) continue;
      auto& a = out.attributes[k];
      a.second += 1;
      a.first += v;
    }
  }
  out.asserted_system_events = asserted;
  out.recall = Round3(static_cast<double>(out.matched) / std::max(1, out.required));
  out.precision = Round3(static_cast<double>(good) / std::max(1, asserted));
  const double p = out.precision, r = out.recall;
  out.f1 = p + r > 0 ? Round3(2 * p * r / (p + r)) : 0.0;
  return out;
}

std::string FormatText(const Score& s) {
  auto list = [](const std::vector<std::string>& v) {
    std::string o = "[";
    for (size_t i = 0; i < v.size(); ++i) o += (i ? ", '" : "'") + v[i] + "'";
    return o + "]";
  };
  std::string attrs = "{";
  bool first = true;
  for (const auto& [k, v] : s.attributes) {
    attrs += (first ? "'" : ", '") + k + "': '" + std::to_string(v.first) + "/" + std::to_string(v.second) + "'";
    first = false;
  }
  attrs += "}";
  return "required: " + std::to_string(s.required) + "\nmatched: " + std::to_string(s.matched) +
         "\nrecall: " + Fmt3(s.recall) + "\nasserted_system_events: " + std::to_string(s.asserted_system_events) +
         "\nprecision: " + Fmt3(s.precision) + "\nmodality_errors: " + list(s.modality_errors) +
         "\nattributes: " + attrs + "\nmissed: " + list(s.missed) + "\nf1: " + Fmt3(s.f1) + "\n";
}

std::string FormatJson(const Score& s) {
  json j;
  j["required"] = s.required;
  j["matched"] = s.matched;
  j["recall"] = s.recall;
  j["asserted_system_events"] = s.asserted_system_events;
  j["precision"] = s.precision;
  j["modality_errors"] = s.modality_errors;
  json a = json::object();
  for (const auto& [k, v] : s.attributes) a[k] = std::to_string(v.first) + "/" + std::to_string(v.second);
  j["attributes"] = a;
  j["missed"] = s.missed;
  j["f1"] = s.f1;
  return j.dump() + "\n";
}

}  // namespace tocsin::eval
