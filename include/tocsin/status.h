// Errors as values.
//
// Every fallible call in Tocsin returns a `Status` or a `Result<T>`. No exception crosses the public API,
// the CLI or the bindings. A message says what went wrong and, where it can, what to do about it.
//
// Thread safety: a Status is a small value; copies may be used from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace tocsin {

class Status {
 public:
  // Persisted in exit codes and bindings: do not renumber.
  enum class Code : uint8_t {
    kOk = 0,
    kInvalidArgument = 1,  // the caller passed something unusable (bad option, bad record)
    kNotFound = 2,         // a file, model or key is missing
    kCorrupt = 3,          // a file exists but its content is damaged (model magic, truncated data)
    kTooLarge = 4,         // an input exceeds a configured limit
    kIoError = 5,          // the operating system refused a read or write
    kUnsupported = 6,      // valid but not something this build can do (a language without lexicons)
    kInternal = 7,         // a bug in Tocsin: please report it
  };

  Status() = default;  // OK
  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status Corrupt(std::string m) { return {Code::kCorrupt, std::move(m)}; }
  static Status TooLarge(std::string m) { return {Code::kTooLarge, std::move(m)}; }
  static Status IoError(std::string m) { return {Code::kIoError, std::move(m)}; }
  static Status Unsupported(std::string m) { return {Code::kUnsupported, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: <message>", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>" (used to name the file and line).
  Status WithContext(const std::string& context) const;

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none. Holding an OK status without a value is
// impossible: construct from a value for success.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must not be OK
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace tocsin

#define TOCSIN_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::tocsin::Status _tocsin_status = (expr);        \
    if (!_tocsin_status.ok()) return _tocsin_status; \
  } while (0)
