// --log_format=json (common/json_line.h, common/log.h, the access log of
// server/api/access_log.h) and the one request id of a call in its error
// details (call_state.h, grpc_status.h). Every line written is parsed back
// with protobuf's JSON parser into a google.protobuf.Struct, so "valid JSON"
// is checked by a parser, not by eye.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/errors.h"
#include "common/json_line.h"
#include "common/log.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/api/access_log.h"
#include "server/api/call_state.h"
#include "server/api/grpc_status.h"

namespace envcredit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::UnorderedElementsAre;

// `line` (one JSON object, with or without its "\n") as a Struct; fails the
// test when it does not parse.
google::protobuf::Struct Parse(absl::string_view line) {
  google::protobuf::Struct out;
  absl::string_view body = line;
  if (absl::ConsumeSuffix(&body, "\n")) {
    EXPECT_EQ(body.find('\n'), absl::string_view::npos) << "one line: " << line;
  }
  const auto status =
      google::protobuf::util::JsonStringToMessage(std::string(body), &out);
  EXPECT_TRUE(status.ok()) << status.ToString() << " in: " << line;
  return out;
}

std::vector<std::string> Keys(const google::protobuf::Struct& s) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : s.fields()) keys.push_back(key);
  return keys;
}

std::string StringOf(const google::protobuf::Struct& s,
                     const std::string& key) {
  auto it = s.fields().find(key);
  if (it == s.fields().end() || !it->second.has_string_value()) return "<none>";
  return it->second.string_value();
}

// The JSON string `value` becomes, parsed back.
std::string RoundTrip(absl::string_view value) {
  std::string line;
  JsonLine(&line).String("v", value).End();
  return StringOf(Parse(line), "v");
}

std::string Escaped(absl::string_view value) {
  std::string out;
  AppendJsonString(value, &out);
  return out;
}

TEST(JsonLineTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Escaped("plain"), "\"plain\"");
  EXPECT_EQ(Escaped("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(Escaped("a\\b"), "\"a\\\\b\"");
  EXPECT_EQ(Escaped("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(Escaped(std::string("nul\0x", 5)), "\"nul\\u0000x\"");
  EXPECT_EQ(Escaped("\x01\x1f\x7f"),
            "\"\\u0001\\u001f\x7f\"");  // DEL is allowed raw
  EXPECT_EQ(Escaped(""), "\"\"");
  for (const std::string value :
       {std::string("say \"hi\""), std::string("a\\b"),
        std::string("l1\nl2\r\t"), std::string("nul\0x", 5),
        std::string("\x01\x1f\x7f"), std::string("})]\"{,:")}) {
    EXPECT_EQ(RoundTrip(value), value);
  }
}

TEST(JsonLineTest, ValidUtf8PassesThrough) {
  const std::string chinese =
      "企业信用 \xF0\x9F\x98\x80 é";  // 3-, 4- and 2-byte sequences
  EXPECT_EQ(Escaped(chinese), "\"" + chinese + "\"");
  EXPECT_EQ(RoundTrip(chinese), chinese);
  EXPECT_EQ(Escaped("\xEF\xBF\xBF"), "\"\xEF\xBF\xBF\"");          // U+FFFF
  EXPECT_EQ(Escaped("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\"");  // U+10FFFF
}

TEST(JsonLineTest, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  struct Case {
    std::string in;
    std::string out;
  };
  const std::vector<Case> cases = {
      {"a\xFF"
       "b",
       "a" + fffd + "b"},                               // never valid
      {"\x80", fffd},                                   // lone continuation
      {"\xC3", fffd},                                   // cut at the end
      {"\xC3(", fffd + "("},                            // bad continuation
      {"\xC0\xAF", fffd + fffd},                        // overlong '/'
      {"\xE0\x80\xAF", fffd + fffd + fffd},             // overlong, 3 bytes
      {"\xED\xA0\x80", fffd + fffd + fffd},             // a surrogate
      {"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},  // above U+10FFFF
      {"\xE4\xBC", fffd + fffd},                        // cut 3-byte sequence
      {"ok \xE4\xBC\x81 \xFE",
       "ok \xE4\xBC\x81 " + fffd},  // valid then invalid
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Escaped(c.in), "\"" + c.out + "\"") << c.in;
    EXPECT_EQ(RoundTrip(c.in), c.out);
  }
}

TEST(JsonLineTest, NumbersAreNumbersAndKeysKeepTheirOrder) {
  std::string line;
  JsonLine(&line)
      .Time("time", absl::FromUnixMicros(1'796'353'049'123'456))
      .String("level", "INFO")
      .Int("repeated", 2913)
      .Int("negative", -5)
      .Millis("latency_ms", 412)
      .Millis("slow_ms", 12'345'678)
      .End();
  EXPECT_EQ(line,
            "{\"time\":\"2026-12-04T02:57:29.123456Z\",\"level\":\"INFO\","
            "\"repeated\":2913,"
            "\"negative\":-5,\"latency_ms\":0.412,\"slow_ms\":12345.678}\n");
  const google::protobuf::Struct s = Parse(line);
  EXPECT_TRUE(s.fields().at("repeated").has_number_value());
  EXPECT_EQ(s.fields().at("repeated").number_value(), 2913);
  EXPECT_EQ(s.fields().at("negative").number_value(), -5);
  EXPECT_DOUBLE_EQ(s.fields().at("latency_ms").number_value(), 0.412);
  EXPECT_DOUBLE_EQ(s.fields().at("slow_ms").number_value(), 12345.678);
}

TEST(JsonLineTest, EmptyObject) {
  std::string line;
  JsonLine(&line).End();
  EXPECT_EQ(line, "{}\n");
  Parse(line);
}

// Sets the process's format for one test and restores text after.
class JsonFormat {
 public:
  JsonFormat() { SetLogFormat(LogFormat::kJson); }
  ~JsonFormat() { SetLogFormat(LogFormat::kText); }
};

constexpr char kTimeRegex[] =
    "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z";

TEST(LogFormatTest, ParsesTheFlagValues) {
  LogFormat format;
  ASSERT_TRUE(ParseLogFormat("json", &format));
  EXPECT_EQ(format, LogFormat::kJson);
  ASSERT_TRUE(ParseLogFormat("text", &format));
  EXPECT_EQ(format, LogFormat::kText);
  EXPECT_FALSE(ParseLogFormat("JSON", &format));
  EXPECT_FALSE(ParseLogFormat("", &format));
}

TEST(LogFormatTest, ApplicationLinesAreJsonObjectsWithTimeLevelAndMessage) {
  JsonFormat json;
  ::testing::internal::CaptureStderr();
  LogInfo("listening on 127.0.0.1:50051");
  LogWarning("a \"quoted\"\nmessage");
  LogError("bad byte \xFF");
  const std::string out = ::testing::internal::GetCapturedStderr();
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << out;
  const std::vector<std::string> levels = {"INFO", "WARNING", "ERROR"};
  const std::vector<std::string> messages = {"listening on 127.0.0.1:50051",
                                             "a \"quoted\"\nmessage",
                                             "bad byte \xEF\xBF\xBD"};
  for (size_t i = 0; i < lines.size(); ++i) {
    const google::protobuf::Struct s = Parse(lines[i]);
    EXPECT_THAT(Keys(s), UnorderedElementsAre("time", "level", "message"));
    EXPECT_THAT(StringOf(s, "time"), MatchesRegex(kTimeRegex));
    EXPECT_EQ(StringOf(s, "level"), levels[i]);
    EXPECT_EQ(StringOf(s, "message"), messages[i]);
  }
}

TEST(LogFormatTest, TextStaysAsItWas) {
  ::testing::internal::CaptureStderr();
  LogInfo("ready");
  const std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, MatchesRegex(std::string(kTimeRegex) + " INFO ready\n"));
}

class SettableClock final : public Clock {
 public:
  absl::Time Now() const override { return now_; }
  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST(LogFormatTest, LimitedLinesCarryTheCountAsNumbers) {
  JsonFormat json;
  SettableClock clock;
  LogLimiter limiter(absl::Seconds(60), &clock);  // no sink: the process log
  ::testing::internal::CaptureStderr();
  limiter.Log(LogSeverity::kError, "connect", "cannot connect (1)");
  for (int i = 0; i < 2913; ++i) {
    clock.Advance(absl::Milliseconds(20));
    limiter.Log(LogSeverity::kError, "connect", "cannot connect (n)");
  }
  clock.Advance(absl::Seconds(10));
  limiter.Flush();
  const std::string out = ::testing::internal::GetCapturedStderr();
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << out;
  const google::protobuf::Struct first = Parse(lines[0]);
  EXPECT_THAT(Keys(first), UnorderedElementsAre("time", "level", "message"));
  EXPECT_EQ(StringOf(first, "message"), "cannot connect (1)");
  const google::protobuf::Struct count = Parse(lines[1]);
  EXPECT_THAT(Keys(count),
              UnorderedElementsAre("time", "level", "message", "repeated",
                                   "repeated_seconds"));
  EXPECT_EQ(StringOf(count, "level"), "ERROR");
  EXPECT_EQ(StringOf(count, "message"),
            "cannot connect (n)");  // no count in the text
  EXPECT_EQ(count.fields().at("repeated").number_value(), 2913);
  EXPECT_EQ(count.fields().at("repeated_seconds").number_value(), 68);
}

// The lines an AccessLogWriter wrote to a pipe.
class AccessLines {
 public:
  AccessLines() { EXPECT_EQ(pipe(fds_), 0); }
  ~AccessLines() {
    close(fds_[0]);
    if (fds_[1] >= 0) close(fds_[1]);
  }
  int fd() const { return fds_[1]; }
  std::vector<std::string> Read() {
    close(fds_[1]);
    fds_[1] = -1;
    std::string all;
    char buffer[4096];
    for (ssize_t n; (n = read(fds_[0], buffer, sizeof buffer)) > 0;)
      all.append(buffer, n);
    return absl::StrSplit(all, '\n', absl::SkipEmpty());
  }

 private:
  int fds_[2] = {-1, -1};
};

TEST(AccessLogFormatTest, JsonAccessLineHasEveryKey) {
  JsonFormat json;
  AccessLines lines;
  {
    api::AccessLogWriter writer(lines.fd());  // not started: writes at once
    api::AccessRecord record;
    record.method = "/envcredit.v1.EnterpriseService/GetEnterprise";
    record.code = absl::StatusCode::kNotFound;
    record.latency_micros = 1412;
    record.request_id = "req-\"1\"";
    record.actor = "ops team \xE4\xBC\x81";
    writer.WriteAccess(record);
    record.code = absl::StatusCode::kOk;
    record.actor = "";
    writer.WriteAccess(record);
    writer.Write("free text");
  }
  const std::vector<std::string> got = lines.Read();
  ASSERT_EQ(got.size(), 3u);
  const google::protobuf::Struct s = Parse(got[0]);
  EXPECT_THAT(Keys(s),
              UnorderedElementsAre("time", "level", "message", "request_id",
                                   "method", "actor", "code", "latency_ms"));
  EXPECT_THAT(StringOf(s, "time"), MatchesRegex(kTimeRegex));
  EXPECT_EQ(StringOf(s, "level"), "INFO");
  EXPECT_EQ(StringOf(s, "message"), "access");
  EXPECT_EQ(StringOf(s, "request_id"), "req-\"1\"");
  EXPECT_EQ(StringOf(s, "method"),
            "/envcredit.v1.EnterpriseService/GetEnterprise");
  EXPECT_EQ(StringOf(s, "actor"), "ops team \xE4\xBC\x81");
  EXPECT_EQ(StringOf(s, "code"), "NOT_FOUND");
  ASSERT_TRUE(s.fields().at("latency_ms").has_number_value());
  EXPECT_DOUBLE_EQ(s.fields().at("latency_ms").number_value(), 1.412);
  const google::protobuf::Struct ok = Parse(got[1]);
  EXPECT_EQ(StringOf(ok, "code"), "OK");
  EXPECT_EQ(StringOf(ok, "actor"), "");
  EXPECT_EQ(StringOf(Parse(got[2]), "message"), "free text");
}

TEST(AccessLogFormatTest, TextAccessLineIsUnchanged) {
  AccessLines lines;
  {
    api::AccessLogWriter writer(lines.fd());
    api::AccessRecord record;
    record.method = "/envcredit.v1.EnterpriseService/GetEnterprise";
    record.code = absl::StatusCode::kFailedPrecondition;
    record.latency_micros = 412;
    record.request_id = "abc";
    record.actor = "not in text";
    writer.WriteAccess(record);
    record.request_id = "a b";
    writer.WriteAccess(record);
  }
  const std::vector<std::string> got = lines.Read();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_THAT(
      got[0],
      MatchesRegex(std::string(kTimeRegex) +
                   " INFO access method=/envcredit.v1.EnterpriseService/"
                   "GetEnterprise code=FAILED_PRECONDITION duration_ms=0.412 "
                   "request_id=abc"));
  EXPECT_THAT(got[1], HasSubstr(" request_id=\"a b\""));
}

google::rpc::ErrorInfo ErrorInfoOf(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details()));
  google::rpc::ErrorInfo info;
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&info)) return info;
  }
  ADD_FAILURE() << "no ErrorInfo";
  return info;
}

TEST(RequestIdTest, ErrorsOfACallCarryItsRequestId) {
  int owner = 0;
  EXPECT_EQ(api::CurrentRequestId(), "");
  EXPECT_FALSE(ErrorInfoOf(api::ToGrpcStatus(absl::NotFoundError("x")))
                   .metadata()
                   .contains("request_id"));
  api::BeginCallOnThread(&owner, "req-7");
  EXPECT_EQ(api::CurrentRequestId(), "req-7");
  const grpc::Status status =
      api::ToGrpcStatus(InvalidArgument("name", "INVALID_NAME", "bad name"));
  const google::rpc::ErrorInfo info = ErrorInfoOf(status);
  EXPECT_EQ(info.reason(), "INVALID_NAME");
  EXPECT_EQ(info.metadata().at("field"), "name");
  EXPECT_EQ(info.metadata().at("request_id"), "req-7");
  api::EndCallOnThread(&owner);
  EXPECT_EQ(api::CurrentRequestId(), "");
}

TEST(RequestIdTest, ActorIsReadOnlyByItsOwnCall) {
  int a = 0, b = 0;
  api::SetCurrentActor("nobody");  // outside a call: nothing
  api::BeginCallOnThread(&a, "id-a");
  EXPECT_EQ(api::CurrentActor(&a), "");
  api::SetCurrentActor("ops");
  EXPECT_EQ(api::CurrentActor(&a), "ops");
  EXPECT_EQ(api::CurrentActor(&b), "");
  api::EndCallOnThread(&b);  // not b's: a's state stays
  EXPECT_EQ(api::CurrentRequestId(), "id-a");
  api::BeginCallOnThread(&b, "id-b");
  EXPECT_EQ(api::CurrentActor(&b), "");  // cleared for the new call
  api::EndCallOnThread(&b);
}

TEST(RequestIdTest, AddRequestIdToStatusesMadeElsewhere) {
  // A status gRPC made: no details. It gets an ErrorInfo.
  grpc::Status bare(grpc::StatusCode::UNIMPLEMENTED, "no such method");
  ASSERT_TRUE(api::AddRequestId("req-1", &bare));
  EXPECT_EQ(bare.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(bare.error_message(), "no such method");
  google::rpc::ErrorInfo info = ErrorInfoOf(bare);
  EXPECT_EQ(info.reason(), "UNIMPLEMENTED");
  EXPECT_EQ(info.domain(), "envcredit.v1");
  EXPECT_EQ(info.metadata().at("request_id"), "req-1");
  // And the Chinese message every error carries, last.
  google::rpc::Status bare_details;
  ASSERT_TRUE(bare_details.ParseFromString(bare.error_details()));
  google::rpc::LocalizedMessage zh;
  ASSERT_TRUE(bare_details.details(bare_details.details_size() - 1).UnpackTo(&zh));
  EXPECT_EQ(zh.locale(), "zh-CN");
  EXPECT_EQ(zh.message(), "服务器没有该方法");
  std::string reason;
  EXPECT_FALSE(api::AddRequestId("req-1", &bare, &reason));  // already there
  EXPECT_EQ(reason, "UNIMPLEMENTED");  // the reason is given all the same

  // One of ours: the id joins the ErrorInfo; the other details keep their
  // places.
  grpc::Status ours =
      api::ToGrpcStatus(InvalidArgument("name", "INVALID_NAME", "bad"));
  google::rpc::Status before;
  ASSERT_TRUE(before.ParseFromString(ours.error_details()));
  ASSERT_TRUE(api::AddRequestId("req-2", &ours));
  google::rpc::Status after;
  ASSERT_TRUE(after.ParseFromString(ours.error_details()));
  ASSERT_EQ(after.details_size(), before.details_size());
  for (int i = 0; i < after.details_size(); ++i) {
    EXPECT_EQ(after.details(i).type_url(), before.details(i).type_url());
  }
  info = ErrorInfoOf(ours);
  EXPECT_EQ(info.reason(), "INVALID_NAME");
  EXPECT_EQ(info.metadata().at("field"), "name");
  EXPECT_EQ(info.metadata().at("request_id"), "req-2");
  ours = api::ToGrpcStatus(InvalidArgument("name", "INVALID_NAME", "bad"));
  ASSERT_TRUE(api::AddRequestId("req-4", &ours, &reason));
  EXPECT_EQ(reason, "INVALID_NAME");

  grpc::Status ok = grpc::Status::OK;
  EXPECT_FALSE(api::AddRequestId("req-3", &ok));
}

}  // namespace
}  // namespace envcredit
