#include "admin-cli/publication/publication_folder.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "admin-cli/base/csv.h"
#include "admin-cli/base/display_names.h"
#include "admin-cli/base/files.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/publication/publication_html.h"
#include "admin-cli/publication/signing.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace envcredit::admin {
namespace {

using v1::Publication;
using v1::PublicationEntry;

// A JSON string literal of `s`, as Python's json.dumps(ensure_ascii=False)
// prints it.
void AppendJsonString(std::string* out, absl::string_view s) {
  out->push_back('"');
  size_t run = 0;  // start of the characters not yet appended
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      default:
        absl::StrAppend(out, "\\u00", absl::Hex(c, absl::kZeroPad2));
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

// Prints one JSON object a field at a time, the same bytes as a Json object
// `level` deep prints (Json::DumpTo), without building the tree: the
// entries of a large list are written this way.
class JsonObjectWriter {
 public:
  JsonObjectWriter(std::string* out, int level) : out_(out), level_(level) {}

  // Appends the separator, the indent and `"key": `; the caller appends the
  // value to the string returned.
  std::string* Key(absl::string_view key) {
    *out_ += first_ ? "{\n" : ",\n";
    first_ = false;
    out_->append(2 * (level_ + 1), ' ');
    AppendJsonString(out_, key);
    *out_ += ": ";
    return out_;
  }
  void Str(absl::string_view key, absl::string_view value) {
    AppendJsonString(Key(key), value);
  }
  void Int(absl::string_view key, int64_t value) {
    absl::StrAppend(Key(key), value);
  }
  void End() {
    if (first_) {
      *out_ += "{}";
      return;
    }
    out_->push_back('\n');
    out_->append(2 * level_, ' ');
    out_->push_back('}');
  }

 private:
  std::string* out_;
  int level_;
  bool first_ = true;
};

// --- A small ordered JSON writer -------------------------------------------

// A JSON value whose objects keep their keys in insertion order, printed as
// Python's json.dumps(value, indent=2, ensure_ascii=False) does.
class Json {
 public:
  static Json Str(std::string value) {
    Json j(kString);
    j.text_ = std::move(value);
    return j;
  }
  static Json Int(int64_t value) {
    Json j(kInt);
    j.int_ = value;
    return j;
  }
  static Json Array() { return Json(kArray); }
  static Json Object() { return Json(kObject); }

  // Objects only.
  Json& Set(std::string key, Json value) {
    keys_.push_back(std::move(key));
    items_.push_back(std::move(value));
    return *this;
  }
  // Arrays only.
  Json& Push(Json value) {
    items_.push_back(std::move(value));
    return *this;
  }

  std::string Dump() const {
    std::string out;
    DumpTo(&out, 0);
    return out + "\n";
  }

  // Appends the value as Dump prints it `level` deep in a document.
  void DumpTo(std::string* out, int level) const;

  // Appends `  "key": [` … `]` as the value of a top-level key would print,
  // each of the `count` items appended by `item(out, i)` as a value two
  // deep prints, so a large array is never held as a tree. `last`: no comma
  // after it.
  template <typename ItemFn>
  static void AppendArrayField(std::string* out, absl::string_view key, int count,
                               ItemFn item, bool last) {
    *out += "  ";
    Quote(key, out);
    *out += ": ";
    if (count == 0) {
      *out += "[]";
    } else {
      *out += "[\n";
      for (int i = 0; i < count; ++i) {
        *out += "    ";
        item(out, i);
        *out += i + 1 < count ? ",\n" : "\n";
      }
      *out += "  ]";
    }
    *out += last ? "\n" : ",\n";
  }

  // Appends `  "key": value,` as a top-level key prints.
  static void AppendField(std::string* out, absl::string_view key, const Json& value) {
    *out += "  ";
    Quote(key, out);
    *out += ": ";
    value.DumpTo(out, 1);
    *out += ",\n";
  }

 private:
  enum Kind { kString, kInt, kArray, kObject };
  explicit Json(Kind kind) : kind_(kind) {}

  static void Quote(absl::string_view s, std::string* out) {
    AppendJsonString(out, s);
  }

  void DumpValue(std::string* out, int level) const {
    switch (kind_) {
      case kString:
        Quote(text_, out);
        return;
      case kInt:
        absl::StrAppend(out, int_);
        return;
      case kArray:
      case kObject:
        break;
    }
    const bool object = kind_ == kObject;
    if (items_.empty()) {
      *out += object ? "{}" : "[]";
      return;
    }
    *out += object ? "{\n" : "[\n";
    const std::string pad(2 * (level + 1), ' ');
    for (size_t k = 0; k < items_.size(); ++k) {
      *out += pad;
      if (object) {
        Quote(keys_[k], out);
        *out += ": ";
      }
      items_[k].DumpValue(out, level + 1);
      *out += k + 1 < items_.size() ? ",\n" : "\n";
    }
    absl::StrAppend(out, std::string(2 * level, ' '), object ? "}" : "]");
  }

  Kind kind_;
  std::string text_;
  int64_t int_ = 0;
  std::vector<std::string> keys_;
  std::vector<Json> items_;
};

void Json::DumpTo(std::string* out, int level) const { DumpValue(out, level); }

// --- Reading manifest.json -------------------------------------------------

using Fields = google::protobuf::Map<std::string, google::protobuf::Value>;

absl::Status KeyError(absl::string_view key, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("\"", key, "\" ", what));
}

absl::Status GetString(const Fields& fields, absl::string_view key,
                       std::string* out) {
  const auto it = fields.find(std::string(key));
  if (it == fields.end()) return KeyError(key, "is missing");
  if (it->second.kind_case() != google::protobuf::Value::kStringValue) {
    return KeyError(key, "must be a string");
  }
  *out = it->second.string_value();
  return absl::OkStatus();
}

absl::Status GetInt(const Fields& fields, absl::string_view key, int64_t* out) {
  const auto it = fields.find(std::string(key));
  if (it == fields.end()) return KeyError(key, "is missing");
  const double kMaxExact = 9007199254740992.0;  // 2^53
  if (it->second.kind_case() != google::protobuf::Value::kNumberValue) {
    return KeyError(key, "must be a number");
  }
  const double value = it->second.number_value();
  if (value != std::floor(value) || std::fabs(value) > kMaxExact) {
    return KeyError(key, "must be a whole number");
  }
  *out = static_cast<int64_t>(value);
  return absl::OkStatus();
}

bool IsHex64(absl::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
         });
}

// A file name allowed in a folder: no path separators, not "." or "..",
// not empty.
bool IsPlainFileName(absl::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find('/') == absl::string_view::npos &&
         name.find('\0') == absl::string_view::npos;
}

bool Exists(const std::string& path, bool* is_dir = nullptr) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  if (is_dir != nullptr) *is_dir = S_ISDIR(st.st_mode);
  return true;
}

void SyncDir(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// The names in a directory (without "." and ".."), sorted, with whether
// each is a regular file. NOT_FOUND etc. naming the path.
absl::StatusOr<std::map<std::string, bool>> ListDir(const std::string& path) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
  if (dir == nullptr) return FileError("read the directory", path, errno);
  std::map<std::string, bool> names;
  while (const dirent* e = ::readdir(dir.get())) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    const bool regular =
        ::lstat(absl::StrCat(path, "/", name).c_str(), &st) == 0 &&
        S_ISREG(st.st_mode);
    names[name] = regular;
  }
  return names;
}

void RemoveTree(const std::string& path) {
  absl::StatusOr<std::map<std::string, bool>> names = ListDir(path);
  if (names.ok()) {
    for (const auto& [name, regular] : *names) {
      const std::string child = absl::StrCat(path, "/", name);
      if (regular) {
        ::unlink(child.c_str());
      } else {
        RemoveTree(child);
      }
    }
  }
  ::rmdir(path.c_str());
}

// "" when `dir` holds exactly `files`; else what differs first.
std::string CompareFolder(const std::string& dir,
                          const std::vector<FolderFile>& files) {
  absl::StatusOr<std::map<std::string, bool>> names = ListDir(dir);
  if (!names.ok()) return std::string(names.status().message());
  std::set<std::string> expected;
  for (const FolderFile& f : files) {
    expected.insert(f.path);
    absl::StatusOr<std::string> content =
        ReadWholeFile(absl::StrCat(dir, "/", f.path));
    if (!content.ok()) return absl::StrCat(f.path, " is missing or unreadable");
    if (*content != f.content) return absl::StrCat(f.path, " differs");
  }
  for (const auto& [name, regular] : *names) {
    if (expected.count(name) == 0) return absl::StrCat(name, " is extra");
  }
  return "";
}

// One RFC 4180 field (quoted when it holds a comma, quote, CR or LF).
std::string CsvLine(const std::vector<std::string>& cells) {
  std::vector<std::string> quoted;
  quoted.reserve(cells.size());
  for (const std::string& c : cells) quoted.push_back(CsvCell(c));
  return absl::StrCat(absl::StrJoin(quoted, ","), "\r\n");
}

std::string FileBase(const Publication& p) {
  return absl::StrCat(ListSlug(p.list()), "-", p.number());
}

}  // namespace

std::string RenderManifestJson(const Manifest& m) {
  Json files = Json::Array();
  for (const Manifest::File& f : m.files) {
    files.Push(Json::Object()
                   .Set("path", Json::Str(f.path))
                   .Set("sha256", Json::Str(f.sha256))
                   .Set("bytes", Json::Int(f.bytes)));
  }
  return Json::Object()
      .Set("list", Json::Str(m.list))
      .Set("number", Json::Int(m.number))
      .Set("as_of", Json::Str(m.as_of))
      .Set("publish_time", Json::Str(m.publish_time))
      .Set("policy_id", Json::Str(m.policy_id))
      .Set("policy_version", Json::Int(m.policy_version))
      .Set("content_sha256", Json::Str(m.content_sha256))
      .Set("previous_content_sha256", Json::Str(m.previous_content_sha256))
      .Set("previous_manifest_sha256", Json::Str(m.previous_manifest_sha256))
      .Set("files", std::move(files))
      .Dump();
}

absl::StatusOr<Manifest> ParseManifestJson(absl::string_view text) {
  google::protobuf::Struct root;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), &root);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON object (", parsed.ToString(), ")"));
  }
  const Fields& f = root.fields();
  Manifest m;
  for (absl::Status s :
       {GetString(f, "list", &m.list), GetInt(f, "number", &m.number),
        GetString(f, "as_of", &m.as_of),
        GetString(f, "publish_time", &m.publish_time),
        GetString(f, "policy_id", &m.policy_id),
        GetInt(f, "policy_version", &m.policy_version),
        GetString(f, "content_sha256", &m.content_sha256),
        GetString(f, "previous_content_sha256", &m.previous_content_sha256),
        GetString(f, "previous_manifest_sha256",
                  &m.previous_manifest_sha256)}) {
    if (!s.ok()) return s;
  }
  const auto files = f.find("files");
  if (files == f.end()) return KeyError("files", "is missing");
  if (files->second.kind_case() != google::protobuf::Value::kListValue) {
    return KeyError("files", "must be an array");
  }
  for (const google::protobuf::Value& v : files->second.list_value().values()) {
    if (v.kind_case() != google::protobuf::Value::kStructValue) {
      return KeyError("files", "must hold objects");
    }
    Manifest::File file;
    const Fields& ff = v.struct_value().fields();
    for (absl::Status s : {GetString(ff, "path", &file.path),
                           GetString(ff, "sha256", &file.sha256),
                           GetInt(ff, "bytes", &file.bytes)}) {
      if (!s.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("files[", m.files.size(), "]: ", s.message()));
      }
    }
    m.files.push_back(std::move(file));
  }
  return m;
}

// "严重失信（黑色） / BLACK": the words first, for the people who open the
// file in a spreadsheet, and the code for the ones who filter on it.
std::string LevelCell(int level) {
  const std::string words = RatingLevelWithColour(level).zh;
  return words.empty() ? "" : absl::StrCat(words, " / ", RatingLevelName(level));
}

std::string RenderEntriesCsv(const Publication& p) {
  std::string out(kUtf8Bom);
  out += CsvLine({"统一社会信用代码 / Credit code", "企业名称 / Enterprise",
                  "法定代表人 / Legal representative", "地区代码 / Region code",
                  "信用等级 / Level", "分值 / Points",
                  "列入原因 / Reasons (decision numbers)",
                  "列入日期 / Listing date",
                  "最早可申请修复日期 / Earliest repair date",
                  "到期日期 / Expiry date", "变动 / Change"});
  // Room for the whole file (see RenderEntriesJson), each row appended in
  // place: a black list of a million enterprises is tens of MB.
  std::string reasons;
  const auto append_row = [&](std::string* row, const PublicationEntry& e) {
    reasons.clear();
    for (int k = 0; k < e.reasons_size(); ++k) {
      if (k > 0) reasons += "; ";
      reasons += ReasonText(e.reasons(k));
    }
    const absl::string_view cells[] = {
        e.credit_code(), e.enterprise_name(), e.legal_representative(),
        e.region_code()};
    for (const absl::string_view cell : cells) {
      AppendCsvCell(row, cell);
      row->push_back(',');
    }
    AppendCsvCell(row, LevelCell(e.level()));
    row->push_back(',');
    AppendCsvCell(row, absl::StrCat(e.points()));
    row->push_back(',');
    AppendCsvCell(row, reasons);
    for (const v1::Date* date : {&e.listing_date(), &e.earliest_repair_date(),
                                 &e.expiry_date()}) {
      row->push_back(',');
      AppendCsvCell(row, FormatDate(*date));
    }
    row->push_back(',');
    AppendCsvCell(row, ChangeName(e.change()));
    *row += "\r\n";
  };
  if (p.entries_size() > 0) {
    std::string first;
    append_row(&first, p.entries(0));
    out.reserve(out.size() + 2 * first.size() * static_cast<size_t>(p.entries_size()));
  }
  for (const PublicationEntry& e : p.entries()) append_row(&out, e);
  return out;
}

namespace {

// One entry of <list>-<number>.json, appended as an item of the "entries"
// array prints (two deep).
void AppendEntryJson(std::string* out, const PublicationEntry& e) {
  JsonObjectWriter entry(out, 2);
  entry.Str("credit_code", e.credit_code());
  entry.Str("enterprise_name", e.enterprise_name());
  entry.Str("legal_representative", e.legal_representative());
  entry.Str("region_code", e.region_code());
  entry.Str("level", RatingLevelName(e.level()));
  const DisplayName level = RatingLevelDisplay(e.level());
  entry.Str("level_zh", level.zh);
  entry.Str("level_en", level.en);
  entry.Int("points", e.points());
  std::string* reasons = entry.Key("reasons");
  if (e.reasons().empty()) {
    *reasons += "[]";
  } else {
    *reasons += "[\n";
    for (int k = 0; k < e.reasons_size(); ++k) {
      const v1::ListReason& r = e.reasons(k);
      const DisplayName what = DescribeReason(r);
      reasons->append(8, ' ');
      JsonObjectWriter reason(reasons, 4);
      reason.Str("kind", r.kind());
      reason.Str("reference", r.reference());
      reason.Str("authority", r.authority());
      reason.Str("date", FormatDate(r.date()));
      reason.Str("description", r.description());
      reason.Str("description_zh", what.zh);
      reason.Str("description_en", what.en);
      reason.Int("points", r.points());
      reason.End();
      *reasons += k + 1 < e.reasons_size() ? ",\n" : "\n";
    }
    reasons->append(6, ' ');
    reasons->push_back(']');
  }
  entry.Str("listing_date", FormatDate(e.listing_date()));
  entry.Str("earliest_repair_date", FormatDate(e.earliest_repair_date()));
  entry.Str("expiry_date", FormatDate(e.expiry_date()));
  entry.Str("change", ChangeName(e.change()));
  entry.End();
}

Json RemovalJson(const v1::Removal& r) {
  return Json::Object()
      .Set("credit_code", Json::Str(r.credit_code()))
      .Set("enterprise_name", Json::Str(r.enterprise_name()))
      .Set("reason", Json::Str(RemovalName(r.reason())))
      .Set("reason_zh", Json::Str(RemovalReasonDisplay(r.reason()).zh))
      .Set("reason_en", Json::Str(RemovalReasonDisplay(r.reason()).en))
      .Set("detail", Json::Str(r.detail()));
}

}  // namespace

// Written an entry at a time (the same bytes as one Json tree would print):
// a black list of 60,000 entries is some 140 MB of JSON.
std::string RenderEntriesJson(const Publication& p) {
  std::string out = "{\n";
  // Room for the whole file: the first entry's size for each (over-reserved
  // pages that are never written cost no memory), so the string is not
  // copied as it grows.
  if (p.entries_size() > 0) {
    std::string first;
    AppendEntryJson(&first, p.entries(0));
    out.reserve(1024 + 2 * (first.size() + 8) * static_cast<size_t>(p.entries_size()) +
                1024 * static_cast<size_t>(p.removals_size()));
  }
  Json::AppendField(&out, "list", Json::Str(ListSlug(p.list())));
  Json::AppendField(&out, "number", Json::Int(p.number()));
  Json::AppendField(&out, "as_of", Json::Str(FormatDate(p.as_of())));
  Json::AppendField(&out, "publish_time", Json::Str(FormatUtcTime(p.publish_time())));
  Json::AppendArrayField(
      &out, "entries", p.entries_size(), [&p](std::string* out, int i) { AppendEntryJson(out, p.entries(i)); },
      /*last=*/false);
  Json::AppendArrayField(
      &out, "removals", p.removals_size(), [&p](std::string* out, int i) { RemovalJson(p.removals(i)).DumpTo(out, 2); },
      /*last=*/true);
  out += "}\n";
  return out;
}

std::string PublicationFolderPath(absl::string_view root,
                                  absl::string_view list, int64_t number) {
  std::string base(root);
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return absl::StrCat(base, "/", list, "/", number);
}

absl::StatusOr<std::vector<FolderFile>> BuildPublicationFolder(
    const Publication& p, absl::string_view previous_manifest_sha256,
    absl::string_view private_key_pem, const Issuer& issuer) {
  if (p.state() != v1::PUBLICATION_PUBLISHED) {
    return absl::FailedPreconditionError(
        absl::StrCat(p.name(), " is not PUBLISHED (it is ",
                     v1::PublicationState_IsValid(p.state())
                         ? v1::PublicationState_Name(
                               static_cast<v1::PublicationState>(p.state()))
                         : absl::StrCat(p.state()),
                     "); only published publications are exported"));
  }
  if (ListSlug(p.list()).empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(p.name(), " has no list kind"));
  }
  if (p.number() < 1) {
    return absl::FailedPreconditionError(
        absl::StrCat(p.name(), " is PUBLISHED without a number"));
  }
  if (p.publish_time().seconds() == 0 && p.publish_time().nanos() == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(p.name(), " is PUBLISHED without a publish_time"));
  }
  const std::string content_sha256 = Sha256Hex(p.canonical_content());
  if (content_sha256 != p.content_sha256()) {
    return absl::DataLossError(absl::StrCat(
        p.name(), ": SHA-256 of canonical_content is ", content_sha256,
        ", the server says content_sha256 ", p.content_sha256(),
        " (was the publication fetched with view FULL?); nothing written"));
  }
  if (p.number() == 1 ? !previous_manifest_sha256.empty()
                      : !IsHex64(previous_manifest_sha256)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "previous_manifest_sha256 must be ",
        p.number() == 1 ? "empty for number 1" : "64 lower-case hex digits",
        ", not '", previous_manifest_sha256, "'"));
  }

  const std::string base = FileBase(p);
  absl::StatusOr<std::string> public_key = PublicKeyPem(private_key_pem);
  if (!public_key.ok()) return public_key.status();
  // Moved in, not listed in braces: an initializer list is copied, and the
  // JSON of a large list is a hundred MB and more.
  std::vector<FolderFile> files;
  files.push_back({absl::StrCat(base, ".csv"), RenderEntriesCsv(p)});
  files.push_back({absl::StrCat(base, ".json"), RenderEntriesJson(p)});
  files.push_back({std::string(kContentFile), p.canonical_content()});
  // The page links to every other file of the folder, the signed ones too,
  // and loads its rows from the data files (signed like the rest).
  PageContext context;
  context.issuer = issuer;
  for (const FolderFile& f : files) context.files.push_back(f.path);
  context.files.push_back(std::string(kManifestFile));
  context.files.push_back(std::string(kSignatureFile));
  context.public_key_sha256 = Sha256Hex(*public_key);
  for (FolderFile& data : RenderIndexDataFiles(p)) {
    context.data_files.push_back(data.path);
    files.push_back(std::move(data));
  }
  files.push_back({std::string(kIndexFile), RenderIndexHtml(p, context)});
  std::sort(
      files.begin(), files.end(),
      [](const FolderFile& a, const FolderFile& b) { return a.path < b.path; });

  Manifest m;
  m.list = ListSlug(p.list());
  m.number = p.number();
  m.as_of = FormatDate(p.as_of());
  m.publish_time = FormatUtcTime(p.publish_time());
  m.policy_id = p.policy_id();
  m.policy_version = p.policy_version();
  m.content_sha256 = p.content_sha256();
  m.previous_content_sha256 = p.previous_content_sha256();
  m.previous_manifest_sha256 = std::string(previous_manifest_sha256);
  for (const FolderFile& f : files) {
    m.files.push_back(
        {f.path, Sha256Hex(f.content), static_cast<int64_t>(f.content.size())});
  }
  std::string manifest = RenderManifestJson(m);
  absl::StatusOr<std::string> signature =
      SignEd25519(private_key_pem, manifest);
  if (!signature.ok()) return signature.status();
  files.push_back({std::string(kManifestFile), std::move(manifest)});
  files.push_back({std::string(kSignatureFile), *std::move(signature)});
  return files;
}

absl::Status CheckPublishedKey(const std::string& root,
                               absl::string_view private_key_pem) {
  absl::StatusOr<std::string> public_key = PublicKeyPem(private_key_pem);
  if (!public_key.ok()) return public_key.status();
  const std::string key_path = absl::StrCat(root, "/", kPublicKeyFile);
  if (!Exists(key_path)) return absl::OkStatus();
  absl::StatusOr<std::string> existing = ReadWholeFile(key_path);
  if (!existing.ok()) return existing.status();
  if (*existing != *public_key) {
    return absl::FailedPreconditionError(absl::StrCat(
        key_path, " holds another public key (SHA-256 ", Sha256Hex(*existing),
        ", this key's is ", Sha256Hex(*public_key),
        "); the published folders link to it, so nothing is exported with "
        "another key"));
  }
  return absl::OkStatus();
}

absl::Status WriteRootPages(const std::string& root, const Issuer& issuer,
                            absl::string_view private_key_pem) {
  absl::StatusOr<std::string> public_key = PublicKeyPem(private_key_pem);
  if (!public_key.ok()) return public_key.status();
  if (absl::Status made = MakeDirs(root); !made.ok()) return made;
  if (absl::Status same = CheckPublishedKey(root, private_key_pem); !same.ok()) {
    return same;
  }
  const std::string key_path = absl::StrCat(root, "/", kPublicKeyFile);
  if (!Exists(key_path)) {
    if (absl::Status written = ReplaceFile(key_path, *public_key);
        !written.ok()) {
      return written;
    }
  }

  std::vector<PublishedIssue> issues;
  for (const char* list : {"black", "honor"}) {
    const std::string list_dir = absl::StrCat(root, "/", list);
    absl::StatusOr<std::map<std::string, bool>> names = ListDir(list_dir);
    if (!names.ok()) continue;  // nothing published on this list yet
    for (const auto& [name, regular] : *names) {
      int64_t number = 0;
      if (regular || !IsPublicationNumberName(name, &number)) continue;
      absl::StatusOr<std::string> text =
          ReadWholeFile(absl::StrCat(list_dir, "/", name, "/", kManifestFile));
      if (!text.ok()) continue;
      absl::StatusOr<Manifest> m = ParseManifestJson(*text);
      if (!m.ok() || m->list != list || m->number != number) continue;
      issues.push_back({m->list, m->number, m->as_of, m->publish_time});
    }
  }
  return ReplaceFile(
      absl::StrCat(root, "/", kIndexFile),
      RenderRootIndexHtml(issuer, issues, Sha256Hex(*public_key)));
}

absl::StatusOr<std::string> PreviousManifestSha256(absl::string_view root,
                                                   const Publication& p) {
  if (p.number() <= 1) return std::string();
  const std::string list = ListSlug(p.list());
  const std::string dir = PublicationFolderPath(root, list, p.number() - 1);
  bool is_dir = false;
  if (!Exists(dir, &is_dir)) {
    return absl::NotFoundError(absl::StrCat(dir, " does not exist"));
  }
  const std::string path = absl::StrCat(dir, "/", kManifestFile);
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!is_dir || !text.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " cannot be read (",
        is_dir ? text.status().message() : "not a directory",
        "); the previous publication's folder must be whole before the next "
        "is exported"));
  }
  absl::StatusOr<Manifest> previous = ParseManifestJson(*text);
  if (!previous.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": ", previous.status().message()));
  }
  if (previous->list != list || previous->number != p.number() - 1) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is for ", previous->list, " ", previous->number,
                     ", not ", list, " ", p.number() - 1));
  }
  if (previous->content_sha256 != p.previous_content_sha256()) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": content_sha256 ", previous->content_sha256,
        " is not the previous_content_sha256 the server gives for ", list, " ",
        p.number(), " (", p.previous_content_sha256(), ")"));
  }
  return Sha256Hex(*text);
}

absl::StatusOr<WriteOutcome> WritePublicationFolder(
    const std::string& dir, const std::vector<FolderFile>& files) {
  for (const FolderFile& f : files) {
    if (!IsPlainFileName(f.path)) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a plain file name: '", f.path, "'"));
    }
  }
  std::string path = dir;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const size_t slash = path.find_last_of('/');
  const std::string parent = slash == std::string::npos
                                 ? "."
                                 : (slash == 0 ? "/" : path.substr(0, slash));
  const std::string leaf =
      slash == std::string::npos ? path : path.substr(slash + 1);

  const auto compare = [&]() -> absl::StatusOr<WriteOutcome> {
    const std::string difference = CompareFolder(path, files);
    if (difference.empty()) return WriteOutcome::kUnchanged;
    return absl::FailedPreconditionError(absl::StrCat(
        path, " already exists and differs from this export (", difference,
        "); an export never overwrites: move it away to export again"));
  };
  bool is_dir = false;
  if (Exists(path, &is_dir)) {
    if (!is_dir) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, " exists and is not a directory"));
    }
    return compare();
  }
  absl::Status made = MakeDirs(parent);
  if (!made.ok()) return made;
  std::string tmp = absl::StrCat(parent, "/.", leaf, ".tmp-XXXXXX");
  if (::mkdtemp(&tmp[0]) == nullptr) {
    return FileError("create a temporary directory in", parent, errno);
  }
  ::chmod(tmp.c_str(), 0755);
  for (const FolderFile& f : files) {
    absl::Status written =
        WriteNewFile(absl::StrCat(tmp, "/", f.path), f.content, 0644);
    if (!written.ok()) {
      RemoveTree(tmp);
      return written;
    }
  }
  SyncDir(tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    RemoveTree(tmp);
    // Someone else wrote it in the meantime: compare with theirs.
    if (error == EEXIST || error == ENOTEMPTY) return compare();
    return FileError(absl::StrCat("rename ", tmp, " to"), path, error);
  }
  SyncDir(parent);
  return WriteOutcome::kWritten;
}

absl::StatusOr<VerifyReport> VerifyPublicationFolder(
    const std::string& dir, absl::string_view public_key_pem,
    absl::string_view label, Manifest* manifest_out) {
  // A bad key is the caller's mistake, not the folder's: fail at once.
  absl::StatusOr<bool> key_check = VerifyEd25519(public_key_pem, "", "");
  if (!key_check.ok()) return key_check.status();

  VerifyReport report;
  report.folders = 1;
  const auto name = [&](absl::string_view file) {
    return absl::StrCat(label, file);
  };
  const auto problem = [&](std::string text) {
    report.problems.push_back(std::move(text));
  };
  absl::StatusOr<std::map<std::string, bool>> entries = ListDir(dir);
  if (!entries.ok()) {
    problem(absl::StrCat(label.empty() ? dir : std::string(label), ": ",
                         entries.status().message()));
    return report;
  }
  const auto read = [&](absl::string_view file) -> absl::StatusOr<std::string> {
    const auto it = entries->find(std::string(file));
    if (it == entries->end()) {
      return absl::NotFoundError(absl::StrCat("missing file ", name(file)));
    }
    if (!it->second) {
      return absl::FailedPreconditionError(
          absl::StrCat(name(file), ": not a regular file"));
    }
    absl::StatusOr<std::string> content =
        ReadWholeFile(absl::StrCat(dir, "/", file));
    if (!content.ok()) {
      return absl::InternalError(
          absl::StrCat(name(file), ": ", content.status().message()));
    }
    return content;
  };

  absl::StatusOr<std::string> manifest_text = read(kManifestFile);
  absl::StatusOr<std::string> signature = read(kSignatureFile);
  if (!manifest_text.ok())
    problem(std::string(manifest_text.status().message()));
  if (!signature.ok()) problem(std::string(signature.status().message()));
  if (manifest_text.ok() && signature.ok()) {
    absl::StatusOr<bool> valid =
        VerifyEd25519(public_key_pem, *manifest_text, *signature);
    if (!valid.ok() || !*valid) {
      problem(absl::StrCat(
          name(kSignatureFile),
          ": signature does not verify (manifest.json was changed, or this "
          "is not the public key of the key that signed it)"));
    }
  }
  if (!manifest_text.ok()) return report;

  absl::StatusOr<Manifest> manifest = ParseManifestJson(*manifest_text);
  if (!manifest.ok()) {
    problem(
        absl::StrCat(name(kManifestFile), ": ", manifest.status().message()));
    return report;
  }
  report.manifest_read = true;
  report.list = manifest->list;
  report.number = manifest->number;
  std::set<std::string> listed = {std::string(kManifestFile),
                                  std::string(kSignatureFile)};
  bool content_listed = false;
  for (const Manifest::File& f : manifest->files) {
    if (!IsPlainFileName(f.path) || f.path == kManifestFile ||
        f.path == kSignatureFile) {
      problem(absl::StrCat(name(kManifestFile), ": lists a bad path '", f.path,
                           "'"));
      continue;
    }
    if (!listed.insert(f.path).second) {
      problem(absl::StrCat(name(kManifestFile), ": lists ", f.path, " twice"));
      continue;
    }
    ++report.files;
    absl::StatusOr<std::string> content = read(f.path);
    if (!content.ok()) {
      problem(std::string(content.status().message()));
      continue;
    }
    const int64_t bytes = static_cast<int64_t>(content->size());
    if (bytes != f.bytes) {
      problem(absl::StrCat(name(f.path), ": size differs (manifest.json: ",
                           f.bytes, " bytes, file: ", bytes, " bytes)"));
    }
    const std::string sha256 = Sha256Hex(*content);
    if (sha256 != f.sha256) {
      problem(absl::StrCat(name(f.path), ": SHA-256 differs (manifest.json: ",
                           f.sha256, ", file: ", sha256, ")"));
    }
    if (f.path == kContentFile) {
      content_listed = true;
      if (sha256 != manifest->content_sha256) {
        problem(absl::StrCat(name(kContentFile),
                             ": SHA-256 does not match content_sha256 in "
                             "manifest.json (",
                             manifest->content_sha256, ")"));
      }
    }
  }
  if (!content_listed) {
    problem(
        absl::StrCat(name(kManifestFile), ": does not list ", kContentFile));
  }
  for (const auto& [entry, regular] : *entries) {
    if (listed.count(entry) == 0) {
      problem(absl::StrCat("extra file ", name(entry),
                           " (not listed in manifest.json)"));
    }
  }
  if (manifest_out != nullptr) *manifest_out = *manifest;
  return report;
}

namespace {

bool AllDigits(absl::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isdigit(c);
  });
}

}  // namespace

bool IsPublicationNumberName(absl::string_view name, int64_t* number) {
  if (name.size() > 18 || !AllDigits(name)) return false;
  int64_t n = 0;
  if (!absl::SimpleAtoi(name, &n) || n <= 0 || absl::StrCat(n) != name) {
    return false;
  }
  *number = n;
  return true;
}

bool FolderPlaceOfPath(absl::string_view dir, FolderPlace* place) {
  if (dir.empty()) return false;
  std::string path(dir);
  if (path[0] != '/') {
    std::string cwd(4096, '\0');
    if (::getcwd(&cwd[0], cwd.size()) == nullptr) return false;
    cwd.resize(std::strlen(cwd.c_str()));
    path = absl::StrCat(cwd, "/", path);
  }
  std::vector<std::string> parts;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.emplace_back(part);
  }
  if (parts.size() < 2) return false;
  const std::string& list = parts[parts.size() - 2];
  int64_t number = 0;
  if ((list != "honor" && list != "black") ||
      !IsPublicationNumberName(parts.back(), &number)) {
    return false;
  }
  place->list = list;
  place->number = number;
  return true;
}

absl::StatusOr<VerifyReport> VerifyPublicationFolderInPlace(
    const std::string& dir, absl::string_view public_key_pem) {
  absl::StatusOr<VerifyReport> report =
      VerifyPublicationFolder(dir, public_key_pem);
  if (!report.ok() || !report->manifest_read) return report;
  const auto problem = [&](std::string text) {
    report->problems.push_back(std::move(text));
  };
  if (report->list != "honor" && report->list != "black") {
    problem(absl::StrCat(kManifestFile, ": list is '", report->list,
                         "', not honor or black"));
  }
  if (report->number < 1) {
    problem(absl::StrCat(kManifestFile, ": number is ", report->number,
                         ", not a publication number (1, 2, ...)"));
  }
  FolderPlace place;
  if (FolderPlaceOfPath(dir, &place)) {
    report->place_checked = true;
    report->place = absl::StrCat(place.list, "/", place.number);
    report->place_matches =
        place.list == report->list && place.number == report->number;
    if (!report->place_matches) {
      problem(absl::StrCat(
          place.list, "/", place.number, " holds ", report->list,
          " list publication ", report->number, " (", kManifestFile, "), not ",
          place.list, " list publication ", place.number,
          ": a folder is verified where `lists export` puts it, ROOT/",
          report->list, "/", report->number));
    }
  }
  return report;
}

absl::StatusOr<VerifyReport> VerifyPublicationChain(
    const std::string& list_dir, absl::string_view public_key_pem) {
  absl::StatusOr<bool> key_check = VerifyEd25519(public_key_pem, "", "");
  if (!key_check.ok()) return key_check.status();
  absl::StatusOr<std::map<std::string, bool>> entries = ListDir(list_dir);
  if (!entries.ok()) return entries.status();
  std::string list(list_dir);
  while (list.size() > 1 && list.back() == '/') list.pop_back();
  list = list.substr(list.find_last_of('/') + 1);

  // The list root holds the publication folders and nothing else: a stray
  // file or folder there is not covered by any signature, so it is refused
  // rather than served beside the list unchecked.
  VerifyReport report;
  std::vector<int64_t> numbers;
  for (const auto& [name, regular] : *entries) {
    int64_t n = 0;
    if (!regular && IsPublicationNumberName(name, &n)) {
      numbers.push_back(n);
      continue;
    }
    bool is_dir = false;
    Exists(absl::StrCat(list_dir, "/", name), &is_dir);
    std::string why = "only the publication folders 1, 2, ... belong there";
    if (IsPublicationNumberName(name, &n)) {
      why = "a publication is a folder, not a file";
    } else if (AllDigits(name)) {
      why =
          "not a publication number: numbers are written 1, 2, ... "
          "without leading zeros";
    } else if (absl::StrContains(name, ".tmp-")) {
      why = "left by an interrupted export? remove it";
    }
    report.problems.push_back(
        absl::StrCat(is_dir ? "extra folder " : "extra file ", name,
                     " at the list root (", why, ")"));
  }
  std::sort(numbers.begin(), numbers.end());
  report.list = list;
  report.place_checked = true;
  report.place_matches = true;  // per folder: a mismatch is a problem
  if (numbers.empty()) {
    report.problems.push_back(
        absl::StrCat("no publication folders (1, 2, ...) in ", list_dir));
    return report;
  }
  const int64_t last = numbers.back();
  report.number = last;
  for (int64_t n = 1, k = 0; n <= last; ++n) {
    if (k < static_cast<int64_t>(numbers.size()) && numbers[k] == n) {
      ++k;
    } else {
      report.problems.push_back(absl::StrCat(
          "missing folder ", n, " (the chain must hold 1..", last, ")"));
    }
  }

  std::string previous_manifest_sha256;  // of the folder before, when read
  std::string previous_content_sha256;
  bool have_previous = false;
  for (int64_t n = 1; n <= last; ++n) {
    const std::string label = absl::StrCat(n, "/");
    const std::string dir = absl::StrCat(list_dir, "/", n);
    if (!Exists(dir)) {
      have_previous = false;
      continue;
    }
    Manifest m;
    m.number = -1;
    absl::StatusOr<VerifyReport> one =
        VerifyPublicationFolder(dir, public_key_pem, label, &m);
    if (!one.ok()) return one.status();
    report.folders += one->folders;
    report.files += one->files;
    for (std::string& p : one->problems)
      report.problems.push_back(std::move(p));
    absl::StatusOr<std::string> manifest_text =
        ReadWholeFile(absl::StrCat(dir, "/", kManifestFile));
    if (m.number < 0 || !manifest_text.ok()) {
      have_previous = false;  // reported above; no link can be checked
      continue;
    }
    const std::string here = absl::StrCat(label, kManifestFile);
    if (m.number != n) {
      report.problems.push_back(
          absl::StrCat(here, ": number is ", m.number, ", the folder is ", n));
    }
    if (m.list != list) {
      report.problems.push_back(absl::StrCat(
          here, ": list is '", m.list, "', the folder is in '", list, "'"));
    }
    if (n == 1) {
      if (!m.previous_manifest_sha256.empty()) {
        report.problems.push_back(absl::StrCat(
            here, ": previous_manifest_sha256 must be empty for number 1"));
      }
      if (!m.previous_content_sha256.empty()) {
        report.problems.push_back(absl::StrCat(
            here, ": previous_content_sha256 must be empty for number 1"));
      }
    } else if (have_previous) {
      const std::string there = absl::StrCat(n - 1, "/", kManifestFile);
      if (m.previous_manifest_sha256 != previous_manifest_sha256) {
        report.problems.push_back(absl::StrCat(
            here, ": previous_manifest_sha256 does not match ", there,
            " (manifest: ", m.previous_manifest_sha256, ", SHA-256 of ", there,
            ": ", previous_manifest_sha256, ")"));
      }
      if (m.previous_content_sha256 != previous_content_sha256) {
        report.problems.push_back(absl::StrCat(
            here,
            ": previous_content_sha256 does not match content_sha256 "
            "of ",
            there));
      }
    }
    previous_manifest_sha256 = Sha256Hex(*manifest_text);
    previous_content_sha256 = m.content_sha256;
    have_previous = true;
  }
  return report;
}

}  // namespace envcredit::admin
