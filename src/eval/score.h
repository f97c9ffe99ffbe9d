// Scoring coded events against gold events: the same figures as ../shared/tools/score_events.py.
//
// Matching (from the reference scorer): a system event matches a gold event of the same document when at
// least 60% of the gold evidence's word tokens occur in the system event's sentence and its type is the
// gold type or one of `type_alt`. Required gold events are matched first, then optional, then negatives;
// each system event matches at most one required/optional gold event. A negative gold event matched by an
// asserted system event is a modality error.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tocsin/status.h"

namespace tocsin::eval {

struct Score {
  int required = 0, matched = 0;
  double recall = 0;
  int asserted_system_events = 0;
  double precision = 0;
  std::vector<std::string> modality_errors;
  std::map<std::string, std::pair<int, int>> attributes;  // name -> (right, total)
  std::vector<std::string> missed;
  double f1 = 0;
};

// Reads both JSONL files and scores. Lines that are not JSON are an error naming file and line.
Result<Score> ScoreFiles(const std::string& gold_path, const std::string& system_path);

// The report as the reference prints it: "key: value" lines (Python literal syntax), or one JSON object.
std::string FormatText(const Score& s);
std::string FormatJson(const Score& s);

}  // namespace tocsin::eval
