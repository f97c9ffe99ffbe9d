#include "tocsin/status.h"

namespace tocsin {

std::string Status::ToString() const {
  static constexpr const char* kNames[] = {"OK",        "invalid argument", "not found",   "corrupt",
                                           "too large", "I/O error",        "unsupported", "internal error"};
  if (ok()) return "OK";
  return std::string(kNames[static_cast<int>(code_)]) + ": " + message_;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_);
}

}  // namespace tocsin
