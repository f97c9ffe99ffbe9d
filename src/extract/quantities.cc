#include "extract/quantities.h"

#include <cstdio>
#include <cstdlib>

namespace tocsin::extract {

using internal::EntryKind;

namespace config {
constexpr double kMaxCount = 1e10;  // larger figures are not counts of people
}  // namespace config

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yoe) + static_cast<int>(era) * 400 + (*m <= 2);
}

std::string FormatDate(int y, unsigned m, unsigned d) {
  // Every date of a text has a four-digit year and two-digit fields: written by hand, as snprintf would
  // ("%04d-%02u-%02u"), at a fraction of its cost. Anything else goes through snprintf.
  if (y >= 0 && y <= 9999 && m <= 99 && d <= 99) {
    char out[10] = {static_cast<char>('0' + y / 1000), static_cast<char>('0' + y / 100 % 10),
                    static_cast<char>('0' + y / 10 % 10), static_cast<char>('0' + y % 10), '-',
                    static_cast<char>('0' + m / 10), static_cast<char>('0' + m % 10), '-',
                    static_cast<char>('0' + d / 10), static_cast<char>('0' + d % 10)};
    return std::string(out, d ? 10 : m ? 7 : 4);
  }
  char buf[48];
  if (d)
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  else if (m)
    std::snprintf(buf, sizeof buf, "%04d-%02u", y, m);
  else
    std::snprintf(buf, sizeof buf, "%04d", y);
  return buf;
}

namespace {

bool ParsePublished(const std::string& p, int* y, unsigned* m, unsigned* d) {
  if (p.size() < 10) return false;
  *y = std::atoi(p.substr(0, 4).c_str());
  *m = static_cast<unsigned>(std::atoi(p.substr(5, 2).c_str()));
  *d = static_cast<unsigned>(std::atoi(p.substr(8, 2).c_str()));
  return *y > 0 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

// Value of a plain digit token ("24", "2005"); -1 when the token has separators or is not digits.
int64_t PlainInt(std::string_view w) {
  if (w.empty() || w.size() > 9) return -1;
  int64_t v = 0;
  for (char c : w) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Value of a digit token with thousands separators ("3,000", "20.000", "1 000" is two tokens). A
// separator followed by exactly three digits groups thousands; otherwise it is a decimal point.
bool ParseDigits(std::string_view w, double* out) {
  double v = 0;
  double frac = 0, scale = 1;
  bool decimal = false, any = false;
  for (size_t i = 0; i < w.size(); ++i) {
    const char c = w[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (decimal) {
        scale /= 10;
        frac += (c - '0') * scale;
      } else
        v = v * 10 + (c - '0');
    } else if (c == ',' || c == '.') {
      size_t j = i + 1, n = 0;
      while (j < w.size() && w[j] >= '0' && w[j] <= '9') {
        ++j;
        ++n;
      }
      if (n == 3 && !decimal) continue;  // thousands separator
      if (decimal) return false;
      decimal = true;
    } else {
      return false;
    }
  }
  *out = v + frac;
  return any;
}

}  // namespace

void EntriesAt(const Doc& doc, const Scratch& s, uint32_t si, std::vector<TokenEntries>* at) {
  const Sentence& sent = doc.sentences[si];
  const uint32_t b = sent.first_token;
  at->assign(sent.token_count, TokenEntries{});
  for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k) {
    const internal::Match& m = s.matches[k];
    const internal::Entry& en = s.entry(m);
    if (en.kind == EntryKind::kDate) {
      (*at)[m.begin - b].date = &en;
      (*at)[m.begin - b].date_end = m.end;
    } else if (en.kind == EntryKind::kNumber) {
      (*at)[m.begin - b].number = &en;
      (*at)[m.begin - b].number_end = m.end;
    }
  }
}

void FindDates(const Doc& doc, Scratch& s, uint32_t si, const std::vector<TokenEntries>& at) {
  const Sentence& sent = doc.sentences[si];
  const uint32_t b = sent.first_token, e = sent.first_token + sent.token_count;
  int py = 0;
  unsigned pm = 0, pd = 0;
  const bool have_pub = ParsePublished(s.published, &py, &pm, &pd);
  const int64_t pub_days = have_pub ? DaysFromCivil(py, pm, pd) : 0;

  auto month_at = [&](uint32_t t) -> int {
    if (t >= e) return 0;
    const internal::Entry* d = at[t - b].date;
    return d && d->mode == "month" && at[t - b].date_end == t + 1 ? static_cast<int>(d->value) : 0;
  };
  auto int_at = [&](uint32_t t) -> int64_t {
    if (t >= e || !(doc.tokens[t].flags & kTokNumber)) return -1;
    return PlainInt(doc.folded_of(doc.tokens[t]));
  };
  auto year_at = [&](uint32_t t) -> int {
    const int64_t v = int_at(t);
    return v >= 1800 && v <= 2100 ? static_cast<int>(v) : 0;
  };
  auto is_anchor = [&](uint32_t t) {
    if (t < b || t >= e) return false;
    const internal::Entry* d = at[t - b].date;
    return d && d->mode == "anchor";
  };
  // The year of a day and month stated without one: the publication year, or the year before when that
  // would put the date more than a month after publication.
  auto infer_year = [&](unsigned m, unsigned d) {
    if (!have_pub) return 0;
    int y = py;
    if (DaysFromCivil(y, m, d ? d : 1) > pub_days + 31) --y;
    return y;
  };
  auto add = [&](uint32_t first, uint32_t end, std::string value, const char* precision, const char* basis) {
    DateMention dm;
    dm.sentence = si;
    dm.first_token = first;
    dm.end_token = end;
    dm.date.value = std::move(value);
    dm.date.precision = precision;
    dm.date.basis = basis;
    dm.date.text = std::string(doc.text_of({doc.tokens[first].span.begin, doc.tokens[end - 1].span.end}));
    s.dates.push_back(std::move(dm));
    for (uint32_t t = first; t < end; ++t) s.used[t] = kUsedByDate;
  };

  // Many languages link day, month and year with a word of the `of` role ("3 de abril de 2023") or write
  // the day as an ordinal with a full stop ("5. Januar"): those tokens are skipped.
  auto link = [&](uint32_t t) {
    return t < e && (s.fn[t] == Fn::kOf || doc.folded_of(doc.tokens[t]) == ".") ? t + 1 : t;
  };
  for (uint32_t t = b; t < e; ++t) {
    if (s.used[t]) continue;
    // day month [year]: "24 March", "2 January 2022", "3 de abril de 2023", "5. Januar"
    if (int64_t day = int_at(t); day >= 1 && day <= 31) {
      const uint32_t mt = link(t + 1);
      if (int mo = month_at(mt)) {
        const uint32_t yt = year_at(mt + 1) ? mt + 1 : link(mt + 1);
        int y = year_at(yt);
        const uint32_t end = y ? yt + 1 : mt + 1;
        if (!y) y = infer_year(static_cast<unsigned>(mo), static_cast<unsigned>(day));
        if (y) add(t, end, FormatDate(y, static_cast<unsigned>(mo), static_cast<unsigned>(day)), "day", "explicit");
        t = end - 1;
        continue;
      }
    }
    if (int mo = month_at(t)) {
      // month day[,] [year]: "March 24, 2005", "Jan 7"
      uint32_t n = t + 1;
      if (n < e && doc.folded_of(doc.tokens[n]) == ".") ++n;  // "Jan. 7"
      if (int64_t day = int_at(n); day >= 1 && day <= 31 && !year_at(n)) {
        uint32_t end = n + 1;
        int y = 0;
        if (end < e && doc.folded_of(doc.tokens[end]) == "," && year_at(end + 1)) {
          y = year_at(end + 1);
          end += 2;
        } else if (year_at(end)) {
          y = year_at(end);
          end += 1;
        }
        if (!y) y = infer_year(static_cast<unsigned>(mo), static_cast<unsigned>(day));
        if (y) add(t, end, FormatDate(y, static_cast<unsigned>(mo), static_cast<unsigned>(day)), "day", "explicit");
        t = end - 1;
        continue;
      }
      // month year: "March 2005", "September 2003", "junho de 2023"
      if (const uint32_t yt = year_at(t + 1) ? t + 1 : link(t + 1); year_at(yt)) {
        add(t, yt + 1, FormatDate(year_at(yt), static_cast<unsigned>(mo), 0), "month", "explicit");
        t = yt;
        continue;
      }
      // anchor + month: "in February" (a bare "march" or "may" without an anchor is a verb)
      if (is_anchor(t - 1)) {
        if (int y = infer_year(static_cast<unsigned>(mo), 0))
          add(t, t + 1, FormatDate(y, static_cast<unsigned>(mo), 0), "month", "explicit");
        continue;
      }
    }
    // anchor + year: "in 1990", "since 2002"
    if (int y = year_at(t); y && is_anchor(t - 1)) {
      add(t, t + 1, FormatDate(y, 0, 0), "year", "explicit");
      continue;
    }
    const internal::Entry* d = at[t - b].date;
    if (!d || !have_pub) continue;
    const uint32_t dend = at[t - b].date_end;
    if (d->mode == "weekday") {
      // The most recent such day on or before publication ("Thursday" in a Friday paper = yesterday).
      const int64_t wd_pub = ((pub_days % 7) + 7 + 3) % 7 + 1;  // 1970-01-01 was a Thursday (4)
      int64_t back = (wd_pub - d->value + 7) % 7;
      int y;
      unsigned m2, d2;
      CivilFromDays(pub_days - back, &y, &m2, &d2);
      add(t, dend, FormatDate(y, m2, d2), "day", "relative-to-published");
      if (back > 0) {
        CivilFromDays(pub_days - back + 7, &y, &m2, &d2);
        s.dates.back().ahead = FormatDate(y, m2, d2);
      }
      t = dend - 1;
    } else if (d->mode == "relative") {
      // value: [+-]N followed by d, w, m or y
      const std::string& v = d->text;
      if (v.size() < 2) continue;
      const int n = std::atoi(v.substr(0, v.size() - 1).c_str());
      const char unit = v.back();
      int y = py;
      unsigned m2 = pm, d2 = pd;
      std::string value;
      const char* precision = "day";
      if (unit == 'd' || unit == 'w') {
        CivilFromDays(pub_days + n * (unit == 'w' ? 7 : 1), &y, &m2, &d2);
        value = FormatDate(y, m2, d2);
      } else if (unit == 'm') {
        int total = py * 12 + static_cast<int>(pm) - 1 + n;
        value = FormatDate(total / 12, static_cast<unsigned>(total % 12 + 1), 0);
        precision = "month";
      } else if (unit == 'y') {
        value = FormatDate(py + n, 0, 0);
        precision = "year";
      } else {
        continue;
      }
      add(t, dend, value, precision, "relative-to-published");
      s.dates.back().anchors = n != 0 && (unit == 'd' || unit == 'w');  // "this year" dates nothing
      t = dend - 1;
    }
  }
}

void FindQuantities(const Doc& doc, Scratch& s, uint32_t si, const std::vector<TokenEntries>& at) {
  const Sentence& sent = doc.sentences[si];
  const uint32_t b = sent.first_token, e = sent.first_token + sent.token_count;
  auto num = [&](uint32_t t) -> const internal::Entry* { return t < e ? at[t - b].number : nullptr; };
  auto word = [&](uint32_t t) { return t < e ? doc.folded_of(doc.tokens[t]) : std::string_view(); };

  for (uint32_t t = b; t < e; ++t) {
    if (s.used[t]) continue;
    const Token& tok = doc.tokens[t];
    const internal::Entry* ne = num(t);
    const bool digits = tok.flags & kTokNumber;
    if (!digits && !ne) continue;
    if (ne && (ne->mode == "qual" || ne->mode == "measure")) continue;  // qualifiers are read backwards
    if (ne && ne->mode == "article" && !(num(t + 1) && (num(t + 1)->mode == "mult" || num(t + 1)->mode == "vague")))
      continue;  // "a" alone is not a number

    double value = 0, current = 0;
    bool vague = false, any = false;
    uint32_t end = t;
    for (uint32_t u = t; u < e; ++u) {
      const internal::Entry* n = num(u);
      if (doc.tokens[u].flags & kTokNumber) {
        if (any && current != 0) break;  // two numbers in a row are two quantities
        double v;
        if (!ParseDigits(word(u), &v)) break;
        // Thousands grouped with a space ("2 000", "10 500": French, Russian, Norwegian): a group of one to
        // three digits followed, one space on, by groups of exactly three.
        while (word(u).size() <= 3 && u + 1 < e && (doc.tokens[u + 1].flags & kTokNumber) && word(u + 1).size() == 3 &&
               doc.tokens[u + 1].span.begin == doc.tokens[u].span.end + 1 && doc.text[doc.tokens[u].span.end] == ' ') {
          double g;
          if (!ParseDigits(word(u + 1), &g)) break;
          v = v * 1000 + g;
          ++u;
        }
        current += v;
        any = true;
        end = u + 1;
      } else if (n && (n->mode == "unit" || n->mode == "tens" || n->mode == "article")) {
        if (any && n->mode != "unit" && current != 0 && n->mode != "article") {
          if (static_cast<int64_t>(current) % 100 != 0) break;
        }
        if (n->mode == "unit" && any && static_cast<int64_t>(current) % 10 != 0) break;
        current += static_cast<double>(n->value);
        any = true;
        end = at[u - b].number_end;
        u = end - 1;
      } else if (n && (n->mode == "mult" || n->mode == "vague")) {
        const double mult = static_cast<double>(n->value);
        if (n->mode == "vague") vague = true;
        if (current == 0) current = 1;
        if (mult >= 1000) {
          value += current * mult;
          current = 0;
        } else
          current *= mult;
        any = true;
        end = at[u - b].number_end;
        u = end - 1;
        // "tens of thousands", "hundreds of thousands"
        if (vague && u + 1 < e && s.fn[u + 1] == Fn::kOf && num(u + 2) && (num(u + 2)->mode == "vague" || num(u + 2)->mode == "mult")) {
          ++u;
        }
      } else if ((word(u) == "-" || s.fn[u] == Fn::kAnd) && any && num(u + 1) &&
                 (num(u + 1)->mode == "unit" || num(u + 1)->mode == "tens")) {
        continue;  // "seventy-five", "one hundred and fifty"
      } else {
        break;
      }
    }
    if (!any || end <= t) continue;
    value += current;
    // Money and percentages are not counts of people.
    const std::string_view before = t > b ? word(t - 1) : std::string_view();
    const std::string_view after = word(end);
    auto measure = [&](uint32_t u) { return u >= b && u < e && num(u) && num(u)->mode == "measure"; };
    // ... nor ages and spans written as one compound: "a 19-year-old", "ein 19-Jähriger".
    const bool compound_measure = after == "-" && measure(end + 1);
    if (before == "$" || before == "€" || before == "£" || before == "us$" || after == "%" || after == "/" ||
        before == "/" || after == "$" || measure(end) || compound_measure || (t > b && measure(t - 1))) {
      t = end - 1;
      continue;
    }
    // No count of people reaches ten billion; larger "numbers" are identifiers, phone numbers or noise,
    // and would overflow int64 (found by fuzz_document).
    if (!(value >= 0 && value < config::kMaxCount)) {
      t = end - 1;
      continue;
    }
    Quantity q;
    q.sentence = si;
    q.first_token = t;
    q.end_token = end;
    q.value = static_cast<int64_t>(value + 0.5);
    q.vague = vague;
    q.year_like = digits && end == t + 1 && word(t).size() == 4 && q.value >= 1800 && q.value <= 2100;
    // Qualifier: a "qual" entry ending right before the number (through an article: "over a hundred").
    uint32_t qend = t;
    if (qend > b && num(qend - 1) == nullptr && s.fn[qend - 1] == Fn::kIndef) --qend;
    for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k) {
      const internal::Match& m = s.matches[k];
      const internal::Entry& en = s.entry(m);
      if (en.kind == EntryKind::kNumber && en.mode == "qual" && (m.end == qend || m.end == t)) {
        q.qualifier = en.text;
        q.first_token = m.begin;
      }
    }
    if (vague && q.qualifier == "exact") q.qualifier = "at_least";
    s.quantities.push_back(q);
    for (uint32_t u = q.first_token; u < end; ++u) s.used[u] = kUsedByNumber;
    t = end - 1;
  }
}

}  // namespace tocsin::extract
