#include "resolve/coref.h"

#include <string_view>
#include <unordered_map>

namespace tocsin::resolve {
namespace {

// -1 female, +1 male, 0 unknown. Surname endings of the post-Soviet naming systems mark gender
// (Otunbayeva, Tymoshenko is unknown); first names are not guessed.
int GuessGender(const std::string& name) {
  std::string_view last = name;
  if (auto sp = last.rfind(' '); sp != std::string_view::npos) last = last.substr(sp + 1);
  auto ends = [&](std::string_view suf) {
    return last.size() > suf.size() + 2 && last.substr(last.size() - suf.size()) == suf;
  };
  for (std::string_view f : {"ova", "eva", "ina", "aya", "skaya", "ovna", "evna"})
    if (ends(f)) return -1;
  for (std::string_view m : {"ov", "ev", "in", "iy", "sky", "skiy", "enko", "yan", "dze", "shvili"})
    if (ends(m)) return 1;
  return 0;
}

std::string_view Surname(std::string_view name) {
  if (auto sp = name.rfind(' '); sp != std::string_view::npos) return name.substr(sp + 1);
  return name;
}

void CopyFrom(Mention& m, const Mention& a, int32_t index, const char* how) {
  m.antecedent = index;
  m.actor.name = a.actor.name;
  m.actor.country = a.actor.country;
  m.actor.sector = a.actor.sector;
  m.actor.via = std::string(how) + ":" + a.actor.text;
}

bool IsPerson(const Mention& m) {
  return m.kind == MentionKind::kPerson || (m.kind == MentionKind::kTitle && !m.plural);
}

}  // namespace

void ResolveCoreference(Doc& doc) {
  std::vector<Mention>& ms = doc.mentions;
  // The last person known by each full name and surname, and by each title they were introduced with:
  // lookups instead of scans keep a long document linear.
  std::unordered_map<std::string, size_t> by_name, by_title;
  auto learn = [&](size_t j) {
    const Mention& a = ms[j];
    by_name[a.actor.text] = j;
    by_name[std::string(Surname(a.actor.text))] = j;
    by_name[std::string(Surname(a.actor.name))] = j;
    if (a.actor.via.rfind("title:", 0) == 0) by_title[a.actor.via.substr(6)] = j;
  };
  for (size_t i = 0; i < ms.size(); ++i) {
    Mention& m = ms[i];
    if (m.kind == MentionKind::kName) {
      auto it = by_name.find(m.actor.text);
      if (it != by_name.end()) {
        CopyFrom(m, ms[it->second], static_cast<int32_t>(it->second), "coref:name");
        m.kind = MentionKind::kPerson;
      }
    } else if (m.kind == MentionKind::kPronoun) {
      const std::string k = m.actor.name;  // the pronoun kind, overwritten once resolved
      const bool person = k == "he" || k == "she";
      const bool group = k == "they";
      if (!person && !group) continue;
      for (size_t j = i; j-- > 0;) {
        const Mention& a = ms[j];
        if (m.sentence - a.sentence > 2) break;
        if (person && !IsPerson(a)) continue;
        if (group && !(a.plural && a.kind != MentionKind::kPronoun && a.kind != MentionKind::kPlace)) continue;
        if (person) {
          const int g = GuessGender(a.actor.name);
          if ((k == "she" && g == 1) || (k == "he" && g == -1)) continue;
        }
        CopyFrom(m, a, static_cast<int32_t>(j), "coref:pronoun");
        break;
      }
    } else if (m.kind == MentionKind::kTitle && m.antecedent == -2) {
      // "the president": the last person introduced with the same title.
      m.antecedent = -1;
      auto it = by_title.find(m.actor.name);
      if (it != by_title.end()) CopyFrom(m, ms[it->second], static_cast<int32_t>(it->second), "coref:title");
    }
    if (m.kind == MentionKind::kPerson && m.antecedent < 0) learn(i);
  }
}

}  // namespace tocsin::resolve
