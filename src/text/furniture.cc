#include "text/furniture.h"

#include "text/normalize.h"

namespace tocsin::text {

std::string FoldForMatch(std::string_view s) {
  std::string out;
  FoldCase(s, &out);
  return out;
}

namespace {
uint16_t FirstTwo(const char* p) {
  return static_cast<uint16_t>(static_cast<unsigned char>(p[0]) << 8 | static_cast<unsigned char>(p[1]));
}
}  // namespace

void Furniture::Index() {
  auto index = std::make_shared<PhraseIndex>();
  for (size_t i = 0; i < phrases.size(); ++i) {
    const std::string& p = phrases[i];
    if (p.size() < 2) {
      index->short_phrases.push_back(static_cast<uint32_t>(i));
      continue;
    }
    const uint16_t k = FirstTwo(p.data());
    index->first_two[k >> 6] |= uint64_t{1} << (k & 63);
    index->by_first_two[k].push_back(static_cast<uint32_t>(i));
  }
  index_ = std::move(index);
}

bool Furniture::ContainsPhrase(std::string_view folded) const {
  if (!index_) {
    for (const std::string& p : phrases)
      if (folded.find(p) != std::string_view::npos) return true;
    return false;
  }
  for (uint32_t i : index_->short_phrases)
    if (folded.find(phrases[i]) != std::string_view::npos) return true;
  for (size_t at = 0; at + 1 < folded.size(); ++at) {
    const uint16_t k = FirstTwo(folded.data() + at);
    if (!(index_->first_two[k >> 6] >> (k & 63) & 1)) continue;
    for (uint32_t i : index_->by_first_two.find(k)->second)
      if (folded.compare(at, phrases[i].size(), phrases[i]) == 0) return true;
  }
  return false;
}

namespace {

struct Line {
  uint32_t begin, end;  // without the line break
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The number of words of `s`, counted up to `max` (the callers only compare it with smaller bounds, and a
// long paragraph need not be read to its end).
int Words(std::string_view s, int max) {
  int n = 0;
  bool in = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\t';
    if (!space && !in && ++n >= max) return max;
    in = !space;
  }
  return n;
}

bool HasYear(std::string_view s) {
  for (size_t i = 0; i + 4 <= s.size(); ++i) {
    const bool boundary_before = i == 0 || !(s[i - 1] >= '0' && s[i - 1] <= '9');
    const bool boundary_after = i + 4 == s.size() || !(s[i + 4] >= '0' && s[i + 4] <= '9');
    if (boundary_before && boundary_after && (s.compare(i, 2, "19") == 0 || s.compare(i, 2, "20") == 0) &&
        s[i + 2] >= '0' && s[i + 2] <= '9' && s[i + 3] >= '0' && s[i + 3] <= '9')
      return true;
  }
  return false;
}

bool EndsSentence(std::string_view s) {
  if (s.empty()) return false;
  const char c = s.back();
  if (c == '.' || c == '!' || c == '?' || c == '"' || c == ')') return true;
  // Closing quotes and the ellipsis in UTF-8.
  return s.size() >= 3 && (s.substr(s.size() - 3) == "\xE2\x80\x9D" || s.substr(s.size() - 3) == "\xC2\xBB" ||
                           s.substr(s.size() - 3) == "\xE2\x80\xA6");
}

enum class Kind { kBlank, kFurniture, kProse };

}  // namespace

std::vector<Span> FindFurniture(std::string_view text, const Furniture& f) {
  std::vector<Line> lines;
  for (uint32_t b = 0; b <= text.size();) {
    size_t e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    lines.push_back({b, static_cast<uint32_t>(e)});
    b = static_cast<uint32_t>(e) + 1;
  }
  // Lines: furniture anywhere (a listed line, a short line with a phrase), or holding a phrase. Long
  // lines are only looked at in the closing run (below): the hot path of plain text is a few long lines.
  std::vector<Kind> kind(lines.size(), Kind::kProse);
  std::vector<bool> phrase(lines.size(), false);
  auto has_phrase = [&](const std::string& folded) { return f.ContainsPhrase(folded); };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view raw = Trim(text.substr(lines[i].begin, lines[i].end - lines[i].begin));
    if (raw.empty()) {
      kind[i] = Kind::kBlank;
      continue;
    }
    const int words = Words(raw, 13);
    if (words > 12) continue;  // prose; looked at again only inside the closing run
    std::string folded = FoldForMatch(raw);
    while (!folded.empty() && (folded.back() == ':' || folded.back() == ' ')) folded.pop_back();
    bool is_line = false;
    if (words <= 4)
      for (const std::string& l : f.lines) is_line = is_line || folded == l;
    phrase[i] = has_phrase(folded);
    if (is_line || (phrase[i] && words <= 12)) kind[i] = Kind::kFurniture;
  }
  std::vector<bool> remove(lines.size(), false);
  for (size_t i = 0; i < lines.size(); ++i) remove[i] = kind[i] == Kind::kFurniture;
  // The closing run, by paragraph, back from the end: a paragraph with a phrase or a furniture line, or a
  // short one without a full stop (a site name, "+ posts"), is furniture; a dateline ("March 2005") and
  // blank lines are passed over and kept; the first paragraph of prose ends the run.
  size_t end = lines.size();
  bool found = false;  // furniture already seen in the run
  while (end > 0) {
    while (end > 0 && kind[end - 1] == Kind::kBlank) --end;
    if (end == 0) break;
    size_t begin = end;
    while (begin > 0 && kind[begin - 1] != Kind::kBlank) --begin;
    if (begin == 0) break;  // the whole text is never furniture (nor is its first paragraph)
    bool furniture = false;
    int words = 0;
    bool last_stops = false;
    for (size_t i = begin; i < end; ++i) {
      const std::string_view raw = Trim(text.substr(lines[i].begin, lines[i].end - lines[i].begin));
      // A long paragraph is an appeal ("Please make a donation to help us...") only inside a run that
      // already holds furniture after it, or when it is short enough to be one (30 words): a last news
      // paragraph that mentions a donation in passing stays.
      const int w = Words(raw, 31);
      if (w > 12 && (found || w <= 30) && !phrase[i]) phrase[i] = has_phrase(FoldForMatch(raw));
      furniture = furniture || phrase[i] || kind[i] == Kind::kFurniture;
      words += w;
      last_stops = EndsSentence(raw);
    }
    const std::string_view whole = text.substr(lines[begin].begin, lines[end - 1].end - lines[begin].begin);
    const bool dateline = words <= 4 && HasYear(whole);
    if (!furniture && !dateline && !(words <= 4 && !last_stops)) break;  // prose
    if (!dateline) {
      for (size_t i = begin; i < end; ++i) remove[i] = true;
      found = found || furniture;
    }
    end = begin;
  }
  std::vector<Span> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!remove[i] || kind[i] == Kind::kBlank) continue;
    out.push_back({lines[i].begin, lines[i].end});
  }
  return out;
}

std::string RemoveRanges(std::string_view text, const std::vector<Span>& ranges) {
  std::string out;
  out.reserve(text.size());
  uint32_t at = 0;
  for (const Span& r : ranges) {
    if (r.begin < at || r.end > text.size()) continue;
    out.append(text.substr(at, r.begin - at));
    at = r.end;
    if (at < text.size() && text[at] == '\n') ++at;  // the removed line's own break
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace tocsin::text
