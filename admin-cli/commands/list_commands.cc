#include "admin-cli/commands/list_commands.h"

#include <algorithm>
#include <ostream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "admin-cli/base/files.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/base/text.h"
#include "admin-cli/commands/runner.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/output/list_output.h"
#include "admin-cli/output/output.h"
#include "admin-cli/output/record_output.h"
#include "admin-cli/publication/publication_folder.h"
#include "admin-cli/publication/issuer.h"
#include "admin-cli/publication/publication_html.h"
#include "admin-cli/publication/signing.h"
#include "admin-cli/rpc_errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace envcredit::admin {
namespace {

using v1::Publication;
using v1::PublicationEntry;

// ListPublications, ListObjections and ListEntries pages asked for.
constexpr int kPageSize = 100;
// A publication's entries and removals are fetched in the largest pages the
// server gives (ListPublicationEntries, ListPublicationRemovals).
constexpr int kRowsPageSize = 1000;

// The exit code of a local failure: as for a call (rpc_errors.h), and
// kExitVerifyFailed for DATA_LOSS (a folder that does not verify).
int ExitForLocalStatus(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kDataLoss) return kExitVerifyFailed;
  return ExitCodeForStatus(static_cast<grpc::StatusCode>(status.code()));
}

// For FAILED_PRECONDITION with a google.rpc.PreconditionFailure (publish,
// repair): the usual report without the violations, then `heading` and one
// line per violation, "  TYPE: description" ("  TYPE (SUBJECT): ..." when
// the subject is not one of `own_subjects`, the resource the command is
// about). Any other failure prints as Failed() does.
int FailedWithConditions(const ParsedCommand& c, CommandIo io,
                         const grpc::Status& status, const std::string& call_id,
                         absl::string_view heading,
                         const std::vector<std::string>& own_subjects) {
  google::rpc::Status rich;
  if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION ||
      status.error_details().empty() ||
      !rich.ParseFromString(status.error_details())) {
    return Failed(c, io, status, call_id);
  }
  std::vector<std::string> lines;
  google::rpc::Status rest = rich;
  rest.clear_details();
  for (const google::protobuf::Any& any : rich.details()) {
    google::rpc::PreconditionFailure failure;
    if (!any.UnpackTo(&failure)) {
      *rest.add_details() = any;
      continue;
    }
    for (const auto& v : failure.violations()) {
      std::string line = absl::StrCat("  ", v.type());
      if (!v.subject().empty() &&
          std::find(own_subjects.begin(), own_subjects.end(), v.subject()) ==
              own_subjects.end()) {
        absl::StrAppend(&line, " (", v.subject(), ")");
      }
      absl::StrAppend(&line, ": ", v.description());
      lines.push_back(std::move(line));
    }
  }
  if (lines.empty()) return Failed(c, io, status, call_id);
  const grpc::Status stripped(status.error_code(), status.error_message(),
                              rest.SerializeAsString());
  io.err << DescribeRpcError(stripped, call_id, c.global.server) << heading
         << " (" << lines.size() << "):\n";
  for (const std::string& line : lines) io.err << line << "\n";
  return ExitCodeForStatus(status.error_code());
}

// The list segment of "lists/{list}/publications/{id}[/...]".
v1::ListKind ListOfName(absl::string_view name) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() < 2 || parts[0] != "lists") return v1::LIST_KIND_UNSPECIFIED;
  if (parts[1] == "honor") return v1::HONOR_LIST;
  if (parts[1] == "black") return v1::BLACK_LIST;
  return v1::LIST_KIND_UNSPECIFIED;
}

// "lists/honor" or "lists/black": the `parent` of the List calls. They send
// `list` too (the server checks that the two agree), so that a server from
// before `parent` still understands them.
std::string ListParent(v1::ListKind list) {
  return absl::StrCat("lists/", ListSlug(list));
}

// --- Finding a publication
// ------------------------------------------------------

// Resolves `ref` to a publication. LIST alone: the newest publication of
// the list, or the newest PUBLISHED one with `published_only`. LIST NUMBER:
// the published one with that number. With `full`, the publication is
// fetched whole: view CONTENT, then every entry and removal page by page;
// without, only its name is sure to be set. Without `notices` the entries
// come without their notice texts. False
// after printing the error (and setting *exit).
bool Resolve(const ParsedCommand& c, ListClient& client, CommandIo io,
             const PublicationRef& ref, bool published_only, bool full,
             Publication* out, int* exit, bool notices = true) {
  std::string name = ref.name;
  if (name.empty()) {
    v1::ListPublicationsRequest request;
    request.set_parent(ListParent(ref.list));
    request.set_list(ref.list);
    request.set_published_only(published_only || ref.number > 0);
    request.set_page_size(ref.number > 0 ? kPageSize : 1);
    const auto find = [&](v1::ListPublicationsResponse& page) {
      bool past = false;  // newest first: below the number, it is not there
      for (const Publication& p : page.publications()) {
        if (ref.number == 0 || p.number() == ref.number) {
          name = p.name();
          if (!full) *out = p;
          break;
        }
        if (p.number() > 0 && p.number() < ref.number) past = true;
      }
      return name.empty() && ref.number != 0 && !past;
    };
    std::string next;
    if (!FetchPages(c, io, client, &ListClient::ListPublications, request, find,
                    &next, exit)) {
      return false;
    }
    if (name.empty()) {
      const std::string what =
          ref.number > 0
              ? absl::StrCat("no published publication number ", ref.number)
          : published_only ? "no published publication"
                           : "no publication";
      *exit = LocalError(io,
                         absl::StrCat("NOT_FOUND: the ", ListSlug(ref.list),
                                      " list has ", what, " yet"),
                         kExitNotFound);
      return false;
    }
  }
  if (!full) {
    if (out->name().empty()) out->set_name(name);
    return true;
  }
  // The counts and the canonical content, then the rows page by page
  // (GetPublication's view FULL stops at 1,000 of them).
  v1::GetPublicationRequest request;
  request.set_name(name);
  request.set_view(v1::PUBLICATION_CONTENT);
  if (!Call(c, io, client, &ListClient::GetPublication, request, out, exit)) {
    return false;
  }
  out->clear_entries();
  out->clear_removals();
  std::string next;
  if (out->entry_count() > 0) {
    v1::ListPublicationEntriesRequest entries;
    entries.set_parent(name);
    entries.set_page_size(kRowsPageSize);
    if (!notices) entries.set_view(v1::PUBLICATION_ENTRY_WITHOUT_NOTICE);
    out->mutable_entries()->Reserve(out->entry_count());
    const auto take = [&](v1::ListPublicationEntriesResponse& page) {
      for (PublicationEntry& e : *page.mutable_entries()) {
        *out->add_entries() = std::move(e);
      }
      return true;
    };
    if (!FetchPages(c, io, client, &ListClient::ListPublicationEntries, entries,
                    take, &next, exit)) {
      return false;
    }
  }
  if (out->removed_count() > 0) {
    v1::ListPublicationRemovalsRequest removals;
    removals.set_parent(name);
    removals.set_page_size(kRowsPageSize);
    const auto take = [&](v1::ListPublicationRemovalsResponse& page) {
      for (v1::Removal& r : *page.mutable_removals()) {
        *out->add_removals() = std::move(r);
      }
      return true;
    };
    if (!FetchPages(c, io, client, &ListClient::ListPublicationRemovals,
                    removals, take, &next, exit)) {
      return false;
    }
  }
  return true;
}

bool ParseRef(const ParsedCommand& c, CommandIo io,
              const std::vector<std::string>& args, PublicationRef* ref,
              int* exit) {
  absl::StatusOr<PublicationRef> parsed = ParsePublicationRef(args);
  if (!parsed.ok()) {
    *exit = Usage(c, io, parsed.status().message());
    return false;
  }
  *ref = *std::move(parsed);
  return true;
}

// --- Commands
// -------------------------------------------------------------------

int ListsPropose(const ParsedCommand& c, ListClient& client, CommandIo io) {
  absl::StatusOr<v1::ListKind> list = ParseListKind(c.positional);
  if (!list.ok()) return Usage(c, io, list.status().message());
  v1::ProposePublicationRequest request;
  request.set_list(*list);
  int exit = kExitOk;
  if (c.Has("as-of") &&
      !DateFlag(c, io, "as-of", request.mutable_as_of(), &exit)) {
    return exit;
  }
  request.set_request_id(c.Get("request-id"));
  const std::string call_id = NewRequestId();
  Publication p;
  const grpc::Status status = client.ProposePublication(call_id, request, &p);
  if (!status.ok()) {
    exit = Failed(c, io, status, call_id);
    if (DecodeErrorDetails(status).reason == "PUBLICATION_IN_PROGRESS") {
      io.err << kProgramName << ": a publication of the "
             << ListSlug(*list) << " list is in NOTICE; see '"
             << kProgramName << " lists show " << ListSlug(*list) << "'\n";
    }
    return exit;
  }
  // The draft may come back without its rows: fetch them.
  if (p.entries().empty() && p.removals().empty() &&
      (p.entry_count() > 0 || p.removed_count() > 0)) {
    PublicationRef ref;
    ref.name = p.name();
    if (!Resolve(c, client, io, ref, false, true, &p, &exit)) return exit;
  }
  io.out << RenderPublication(p, c.global.output, /*diff=*/true, c.Has("all"));
  return kExitOk;
}

int ListsShow(const ParsedCommand& c, ListClient& client, CommandIo io) {
  int exit = kExitOk;
  PublicationRef ref;
  if (!ParseRef(c, io, c.positionals, &ref, &exit)) return exit;
  Publication p;
  if (!Resolve(c, client, io, ref, false, true, &p, &exit)) return exit;
  io.out << RenderPublication(p, c.global.output, /*diff=*/false, false);
  return kExitOk;
}

int ListsDiff(const ParsedCommand& c, ListClient& client, CommandIo io) {
  int exit = kExitOk;
  PublicationRef ref;
  if (!ParseRef(c, io, c.positionals, &ref, &exit)) return exit;
  Publication p;
  if (!Resolve(c, client, io, ref, false, true, &p, &exit)) return exit;
  io.out << RenderDiff(p, c.global.output);
  return kExitOk;
}

// The issuing authority of --issuer FILE (publication/issuer.h). Without the
// flag the pages name no authority, and a warning says so; a file that does
// not read or parse is an error naming the flag (nothing is written).
bool LoadIssuer(const ParsedCommand& c, CommandIo io, Issuer* issuer,
                int* exit) {
  if (!c.Has("issuer")) {
    io.err << "warning: no --issuer FILE: the pages name no issuing "
              "authority, address or phone (doc/publication-folder.md)\n";
    *issuer = Issuer{};
    return true;
  }
  absl::StatusOr<std::string> text = ReadWholeFile(c.Get("issuer"));
  absl::StatusOr<Issuer> parsed =
      text.ok() ? ParseIssuer(*text) : absl::StatusOr<Issuer>(text.status());
  if (!parsed.ok()) {
    *exit = LocalError(io,
                       absl::StrCat("--issuer ", c.Get("issuer"), ": ",
                                    parsed.status().message()),
                       kExitInvalidInput);
    return false;
  }
  *issuer = *std::move(parsed);
  return true;
}

FlagSpec IssuerFlag() {
  return {"issuer", "FILE",
          "the issuing authority named on the pages: name, address, phone "
          "(doc/publication-folder.md, \"The issuer file\")"};
}

int ListsNotice(const ParsedCommand& c, ListClient& client, CommandIo io) {
  int exit = kExitOk;
  PublicationRef ref;
  if (!ParseRef(c, io, c.positionals, &ref, &exit)) return exit;
  const bool do_export = c.Has("export");
  Issuer issuer;
  if (do_export && !LoadIssuer(c, io, &issuer, &exit)) return exit;
  if (do_export) {
    if (c.Get("export").empty()) return Usage(c, io, "--export needs a DIR");
    if (ref.list == v1::HONOR_LIST) {
      return Usage(c, io,
                   "the honour list has no notices (告知书 go to black-list "
                   "candidates only); leave out --export");
    }
  }
  Publication p;
  if (!Resolve(c, client, io, ref, false, /*full=*/do_export, &p, &exit)) {
    return exit;
  }
  if (!do_export || p.state() == v1::PUBLICATION_DRAFT) {
    v1::StartNoticeRequest request;
    request.set_name(p.name());
    request.set_request_id(c.Get("request-id"));
    Publication started;
    if (!Call(c, io, client, &ListClient::StartNotice, request, &started,
              &exit)) {
      return exit;
    }
    if (!do_export) {
      io.out << RenderPublicationSummary(started, c.global.output);
      return kExitOk;
    }
    // The notices are in the entries from now on.
    PublicationRef again;
    again.name = started.name();
    if (!Resolve(c, client, io, again, false, true, &p, &exit)) return exit;
  }
  if (p.list() != v1::BLACK_LIST) {
    return LocalError(io,
                      absl::StrCat(p.name(),
                                   " is not a black-list publication; only "
                                   "black-list candidates get notices"),
                      kExitInvalidInput);
  }
  if (p.state() != v1::PUBLICATION_NOTICE &&
      p.state() != v1::PUBLICATION_PUBLISHED) {
    return LocalError(
        io,
        absl::StrCat("FAILED_PRECONDITION: ", p.name(), " is ",
                     PublicationStateName(p.state()),
                     "; notices are printed for a publication in NOTICE (or "
                     "PUBLISHED)"),
        kExitConflict);
  }
  const std::string dir = c.Get("export");
  absl::Status status = MakeDirs(dir);
  const std::string path = absl::StrCat(dir, "/notices.html");
  if (status.ok()) status = ReplaceFile(path, RenderNoticesHtml(p, issuer));
  if (!status.ok()) {
    return LocalError(io, status.message(), ExitForLocalStatus(status));
  }
  const int count = NoticeCount(p);
  io.out << RenderRecord(
      {{"file", path},
       {"publication", p.name()},
       {"notices", absl::StrCat(count)},
       {"objections_until", FormatDate(p.notice_end_date())}},
      c.global.output);
  if (count == 0) {
    io.err << kProgramName << ": no entry of " << p.name()
           << " carries a notice; the page says so\n";
  }
  return kExitOk;
}

int ListsObjection(const ParsedCommand& c, ListClient& client, CommandIo io) {
  int exit = kExitOk;
  if (c.positionals.empty() || c.positionals[0] != "file") {
    return Usage(
        c, io,
        absl::StrCat("write 'lists objection file NAME ...' (the only "
                     "action is 'file'",
                     c.positionals.empty()
                         ? ""
                         : absl::StrCat(", not '", c.positionals[0], "'"),
                     "; see also 'lists objections' and 'lists "
                     "decide')"));
  }
  PublicationRef ref;
  const std::vector<std::string> rest(c.positionals.begin() + 1,
                                      c.positionals.end());
  if (!ParseRef(c, io, rest, &ref, &exit)) return exit;
  if (c.Get("credit-code").empty()) {
    return Usage(c, io, "--credit-code must not be empty");
  }
  if (TrimAscii(c.Get("statement")).empty()) {
    return Usage(c, io, "--statement must not be empty");
  }
  Publication p;
  if (!Resolve(c, client, io, ref, false, false, &p, &exit)) return exit;
  v1::FileObjectionRequest request;
  request.set_parent(p.name());
  request.mutable_objection()->set_credit_code(c.Get("credit-code"));
  request.mutable_objection()->set_statement(c.Get("statement"));
  for (const std::string& reference : c.GetAll("evidence")) {
    request.mutable_objection()->add_evidence(reference);
  }
  request.set_request_id(c.Get("request-id"));
  v1::Objection objection;
  if (!Call(c, io, client, &ListClient::FileObjection, request, &objection,
            &exit)) {
    return exit;
  }
  io.out << RenderObjection(objection, c.global.output);
  return kExitOk;
}

int ListsObjections(const ParsedCommand& c, ListClient& client, CommandIo io) {
  int exit = kExitOk;
  PublicationRef ref;
  if (!ParseRef(c, io, c.positionals, &ref, &exit)) return exit;
  Publication p;
  if (!Resolve(c, client, io, ref, false, false, &p, &exit)) return exit;
  v1::ListObjectionsRequest request;
  request.set_parent(p.name());
  request.set_credit_code(std::string(TrimAscii(c.Get("credit-code"))));
  request.set_pending_only(c.Has("pending"));
  std::vector<v1::Objection> objections;
  const auto take = [&](v1::ListObjectionsResponse& page) {
    for (v1::Objection& o : *page.mutable_objections()) {
      objections.push_back(std::move(o));
    }
  };
  if (!FetchListPages(c, io, client, &ListClient::ListObjections, request,
                      take, &exit)) {
    return exit;
  }
  io.out << RenderObjections(objections, p.name(), c.global.output);
  if (c.global.output == OutputFormat::kTable && !objections.empty()) {
    const auto pending = std::count_if(
        objections.begin(), objections.end(), [](const v1::Objection& o) {
          return o.state() == v1::OBJECTION_PENDING;
        });
    io.err << kProgramName << ": " << objections.size() << " objections, "
           << pending << " pending\n";
  }
  return kExitOk;
}

int ListsDecide(const ParsedCommand& c, ListClient& client, CommandIo io) {
  int exit = kExitOk;
  const bool upheld = c.Has("upheld");
  if (upheld == c.Has("rejected")) {
    return Usage(c, io, "give --upheld or --rejected, one of the two");
  }
  if (TrimAscii(c.Get("reason")).empty()) {
    return Usage(c, io, "--reason must not be empty");
  }
  const std::vector<absl::string_view> parts =
      absl::StrSplit(c.positional, '/');
  if (parts.size() != 6 || parts[0] != "lists" || parts[2] != "publications" ||
      parts[4] != "objections" || parts[5].empty()) {
    return Usage(c, io,
                 absl::StrCat("OBJECTION_NAME must be lists/{list}/"
                              "publications/{id}/objections/{id} (as 'lists "
                              "objections' prints it), not '",
                              c.positional, "'"));
  }
  v1::DecideObjectionRequest request;
  request.set_name(c.positional);
  request.set_decision(upheld ? v1::OBJECTION_UPHELD : v1::OBJECTION_REJECTED);
  request.set_reason(c.Get("reason"));
  request.set_request_id(c.Get("request-id"));
  v1::Objection objection;
  if (!Call(c, io, client, &ListClient::DecideObjection, request, &objection,
            &exit)) {
    return exit;
  }
  io.out << RenderObjection(objection, c.global.output);
  return kExitOk;
}

int ListsPublish(const ParsedCommand& c, ListClient& client, CommandIo io) {
  int exit = kExitOk;
  PublicationRef ref;
  if (!ParseRef(c, io, c.positionals, &ref, &exit)) return exit;
  Publication p;
  if (!Resolve(c, client, io, ref, false, false, &p, &exit)) return exit;
  v1::PublishPublicationRequest request;
  request.set_name(p.name());
  request.set_request_id(c.Get("request-id"));
  const std::string call_id = NewRequestId();
  Publication published;
  const grpc::Status status =
      client.PublishPublication(call_id, request, &published);
  if (!status.ok()) {
    return FailedWithConditions(
        c, io, status, call_id,
        absl::StrCat(p.name(), " cannot be published yet; blockers"),
        {p.name()});
  }
  io.out << RenderPublicationSummary(published, c.global.output);
  return kExitOk;
}

int ListsExport(const ParsedCommand& c, ListClient& client, CommandIo io) {
  int exit = kExitOk;
  PublicationRef ref;
  if (!ParseRef(c, io, c.positionals, &ref, &exit)) return exit;
  const std::string root = c.Get("out");
  if (root.empty()) return Usage(c, io, "--out needs a ROOT directory");
  absl::StatusOr<std::string> key = ReadWholeFile(c.Get("key"));
  if (!key.ok()) {
    return LocalError(io, absl::StrCat("--key: ", key.status().message()),
                      kExitInvalidInput);
  }
  Issuer issuer;
  if (!LoadIssuer(c, io, &issuer, &exit)) return exit;
  if (absl::Status same = CheckPublishedKey(root, *key);
      !same.ok() && absl::IsFailedPrecondition(same)) {
    return LocalError(io, same.message(), ExitForLocalStatus(same));
  }
  if (absl::StatusOr<std::string> pub = PublicKeyPem(*key); !pub.ok()) {
    return LocalError(
        io, absl::StrCat("--key ", c.Get("key"), ": ", pub.status().message()),
        kExitInvalidInput);
  }

  Publication top;
  // The folder has no use for the notices (a page of text an entry).
  if (!Resolve(c, client, io, ref, /*published_only=*/true, true, &top,
               &exit, /*notices=*/false)) {
    return exit;
  }
  if (top.state() != v1::PUBLICATION_PUBLISHED) {
    return LocalError(
        io,
        absl::StrCat("FAILED_PRECONDITION: ", top.name(), " is ",
                     PublicationStateName(top.state()),
                     "; only PUBLISHED publications are exported"),
        kExitConflict);
  }
  // Walk back to the newest predecessor whose folder is already there (or
  // number 1), then export oldest first: each folder needs the hash of the
  // manifest before it.
  std::vector<Publication> chain{top};
  for (;;) {
    const Publication& newest_missing = chain.back();
    if (newest_missing.number() <= 1) break;
    absl::StatusOr<std::string> previous =
        PreviousManifestSha256(root, newest_missing);
    if (previous.ok()) break;
    if (!absl::IsNotFound(previous.status())) {
      return LocalError(io, previous.status().message(),
                        ExitForLocalStatus(previous.status()));
    }
    const std::string label = absl::StrCat(ListSlug(newest_missing.list()), " ",
                                           newest_missing.number());
    if (newest_missing.previous_publication().empty()) {
      return LocalError(io,
                        absl::StrCat("the server gives no "
                                     "previous_publication for ",
                                     label, " (", newest_missing.name(), ")"),
                        kExitFailure);
    }
    PublicationRef prev_ref;
    prev_ref.name = newest_missing.previous_publication();
    Publication previous_publication;
    if (!Resolve(c, client, io, prev_ref, true, true, &previous_publication,
                 &exit, /*notices=*/false)) {
      return exit;
    }
    if (previous_publication.list() != newest_missing.list() ||
        previous_publication.number() != newest_missing.number() - 1 ||
        previous_publication.state() != v1::PUBLICATION_PUBLISHED) {
      return LocalError(
          io,
          absl::StrCat("the previous_publication of ", label, " (",
                       previous_publication.name(), ") is ",
                       ListSlug(previous_publication.list()), " ",
                       previous_publication.number(), " in state ",
                       PublicationStateName(previous_publication.state()),
                       ", not the PUBLISHED ", ListSlug(newest_missing.list()),
                       " ", newest_missing.number() - 1),
          kExitFailure);
    }
    chain.push_back(std::move(previous_publication));
  }

  Table table{{"FOLDER", "PUBLICATION", "RESULT"}, {}};
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const Publication& p = *it;
    absl::StatusOr<std::string> previous = PreviousManifestSha256(root, p);
    if (!previous.ok()) {
      return LocalError(io, previous.status().message(),
                        ExitForLocalStatus(previous.status()));
    }
    absl::StatusOr<std::vector<FolderFile>> files =
        BuildPublicationFolder(p, *previous, *key, issuer);
    if (!files.ok()) {
      return LocalError(io, files.status().message(),
                        ExitForLocalStatus(files.status()));
    }
    const std::string dir =
        PublicationFolderPath(root, ListSlug(p.list()), p.number());
    absl::StatusOr<WriteOutcome> outcome = WritePublicationFolder(dir, *files);
    if (!outcome.ok()) {
      return LocalError(io, outcome.status().message(),
                        ExitForLocalStatus(outcome.status()));
    }
    table.rows.push_back({dir, p.name(),
                          *outcome == WriteOutcome::kWritten
                              ? "written"
                              : "unchanged (identical)"});
  }
  if (absl::Status root_pages = WriteRootPages(root, issuer, *key);
      !root_pages.ok()) {
    return LocalError(io, root_pages.message(),
                      ExitForLocalStatus(root_pages));
  }
  switch (c.global.output) {
    case OutputFormat::kJson: {
      std::vector<std::string> items;
      for (const auto& row : table.rows) {
        std::string item = RenderRecord(
            {{"folder", row[0]}, {"publication", row[1]}, {"result", row[2]}},
            OutputFormat::kJson);
        item.pop_back();  // its newline
        items.push_back(std::move(item));
      }
      io.out << "[\n  " << absl::StrJoin(items, ",\n  ") << "\n]\n";
      break;
    }
    case OutputFormat::kCsv:
      table.header = {"folder", "publication", "result"};
      io.out << RenderCsv(table);
      break;
    case OutputFormat::kTable:
      io.out << RenderTable(table);
      break;
  }
  return kExitOk;
}

int ListsVerify(const ParsedCommand& c, CommandIo io) {
  const std::string dir = c.positional;
  absl::StatusOr<std::string> key = ReadWholeFile(c.Get("public-key"));
  if (!key.ok()) {
    return LocalError(io,
                      absl::StrCat("--public-key: ", key.status().message()),
                      kExitInvalidInput);
  }
  const bool chain = c.Has("chain");
  absl::StatusOr<VerifyReport> report =
      chain ? VerifyPublicationChain(dir, *key)
            : VerifyPublicationFolderInPlace(dir, *key);
  if (!report.ok()) {
    const absl::Status& s = report.status();
    return LocalError(
        io,
        absl::StrCat(
            s.code() == absl::StatusCode::kInvalidArgument
                ? absl::StrCat("--public-key ", c.Get("public-key"), ": ")
                : "",
            s.message()),
        absl::IsNotFound(s) ? kExitVerifyFailed : ExitForLocalStatus(s));
  }
  const std::string result = report->ok() ? "OK" : "FAILED";
  // Which list and number: for a chain its newest publication.
  const std::string number =
      report->number > 0 ? absl::StrCat(report->number) : "";
  io.out << RenderRecord(
      {{"path", dir},
       {"mode", chain ? "chain" : "folder"},
       {"result", result},
       {"list", report->list},
       {"number", number},
       {"place", chain ? "each folder N holds number N of the root's list"
                 : !report->place_checked
                     ? "not checked (the path names no <honor|black>/<number>)"
                 : report->place_matches
                     ? absl::StrCat(report->place, ", matches the path")
                     : absl::StrCat(report->place,
                                    ", does NOT match the manifest")},
       {"folders", absl::StrCat(report->folders)},
       {"files", absl::StrCat(report->files)},
       {"problems", absl::StrCat(report->problems.size())}},
      c.global.output);
  if (report->ok()) {
    if (chain) {
      io.err << "verified: " << report->list << " list, publications 1.."
             << report->number << " and the links between them\n";
    } else if (report->place_checked) {
      io.err << "verified: " << report->list << " list, publication "
             << report->number << " (the folder's path names " << report->list
             << "/" << report->number << ")\n";
    } else {
      io.err << "verified: " << report->list << " list, publication "
             << report->number
             << " — the folder's path does not name a list and number "
                "(ROOT/<honor|black>/<number>), so it was not checked "
                "against one\n";
    }
    return kExitOk;
  }
  io.err << kProgramName << ": " << dir << ": verification FAILED ("
         << report->problems.size()
         << (report->problems.size() == 1 ? " problem" : " problems") << "):\n";
  for (const std::string& problem : report->problems) {
    io.err << "  " << problem << "\n";
  }
  return kExitVerifyFailed;
}

int ListsEntries(const ParsedCommand& c, ListClient& client, CommandIo io) {
  absl::StatusOr<v1::ListKind> list = ParseListKind(c.positional);
  if (!list.ok()) return Usage(c, io, list.status().message());
  v1::ListEntriesRequest request;
  request.set_parent(ListParent(*list));
  request.set_list(*list);
  v1::ListEntriesResponse all;
  const auto take = [&](v1::ListEntriesResponse& page) {
    for (PublicationEntry& e : *page.mutable_entries()) {
      *all.add_entries() = std::move(e);
    }
    if (all.publication().empty()) all.set_publication(page.publication());
  };
  int exit = kExitOk;
  if (!FetchListPages(c, io, client, &ListClient::ListEntries, request, take,
                      &exit)) {
    return exit;
  }
  io.out << RenderEntries(all, c.global.output);
  if (c.global.output != OutputFormat::kTable) return kExitOk;
  io.err << kProgramName << ": " << all.entries_size() << " entries shown of the "
         << ListSlug(*list) << " list"
         << (all.publication().empty()
                 ? std::string(" (nothing published yet)")
                 : absl::StrCat(", as published in ", all.publication()))
         << "\n";
  return kExitOk;
}

int ListsEntry(const ParsedCommand& c, ListClient& client, CommandIo io) {
  absl::StatusOr<v1::ListKind> list = ParseListKind(c.Get("list"));
  if (!list.ok()) {
    return Usage(c, io, absl::StrCat("--list: ", list.status().message()));
  }
  const absl::string_view code = TrimAscii(c.positional);
  if (code.empty() || absl::StrContains(code, '/')) {
    return Usage(
        c, io,
        absl::StrCat("CREDIT_CODE must be the enterprise's code, not '",
                     c.positional, "'"));
  }
  v1::GetListEntryRequest request;
  request.set_name(absl::StrCat(ListParent(*list), "/entries/", code));
  v1::PublicationEntry entry;
  int exit = kExitOk;
  if (!Call(c, io, client, &ListClient::GetListEntry, request, &entry, &exit)) {
    return exit;
  }
  io.out << RenderEntry(entry, c.global.output);
  if (c.global.output != OutputFormat::kTable) return kExitOk;
  io.err << kProgramName << ": " << entry.credit_code() << " is on the "
         << ListSlug(*list) << " list, as published in " << entry.publication()
         << "\n";
  return kExitOk;
}

int ListsRepair(const ParsedCommand& c, ListClient& client, CommandIo io) {
  absl::string_view code = TrimAscii(c.positional);
  absl::ConsumePrefix(&code, "lists/black/entries/");
  if (code.empty() || absl::StrContains(code, '/')) {
    return Usage(c, io,
                 absl::StrCat("CREDIT_CODE must be the code or "
                              "lists/black/entries/CODE, not '",
                              c.positional, "'"));
  }
  v1::ApplyRepairRequest request;
  request.set_entry(absl::StrCat("lists/black/entries/", code));
  v1::RepairEvidence* evidence = request.mutable_evidence();
  absl::StatusOr<v1::Date> date = ParseDate(c.Get("rectified-on"));
  if (!date.ok()) {
    return Usage(c, io,
                 absl::StrCat("--rectified-on: ", date.status().message()));
  }
  *evidence->mutable_rectification_date() = *date;
  evidence->set_penalty_performed(c.Has("penalty-performed"));
  evidence->set_commitment(c.Get("commitment"));
  evidence->set_note(c.Get("note"));
  request.set_request_id(c.Get("request-id"));
  const std::string call_id = NewRequestId();
  v1::Repair repair;
  const grpc::Status status = client.ApplyRepair(call_id, request, &repair);
  if (!status.ok()) {
    return FailedWithConditions(
        c, io, status, call_id,
        absl::StrCat("credit repair of ", code, " refused; unmet conditions"),
        {request.entry(), std::string(code)});
  }
  io.out << RenderRepairs({repair}, c.global.output, true);
  if (c.global.output == OutputFormat::kTable && repair.state() == v1::REPAIR_PENDING) {
    io.err << kProgramName << ": every condition is met; the application waits for a "
           << "regulator's decision ('lists repairs " << repair.credit_code() << "')\n";
  }
  return kExitOk;
}

int ListsRepairs(const ParsedCommand& c, ListClient& client, CommandIo io) {
  int exit = kExitOk;
  absl::string_view code = TrimAscii(c.positional);
  absl::ConsumePrefix(&code, "lists/black/entries/");
  if (absl::StrContains(code, '/')) {
    return Usage(c, io,
                 absl::StrCat("CREDIT_CODE must be the code or lists/black/entries/CODE, "
                              "not '", c.positional, "'"));
  }
  v1::ListRepairsRequest request;
  request.set_parent(absl::StrCat("lists/black/entries/", code.empty() ? "-" : code));
  request.set_pending_only(c.Has("pending"));
  std::vector<v1::Repair> repairs;
  const auto take = [&](v1::ListRepairsResponse& page) {
    for (v1::Repair& r : *page.mutable_repairs()) repairs.push_back(std::move(r));
  };
  if (!FetchListPages(c, io, client, &ListClient::ListRepairs, request, take, &exit)) {
    return exit;
  }
  io.out << RenderRepairs(repairs, c.global.output, false);
  if (c.global.output == OutputFormat::kTable) {
    const auto pending = std::count_if(repairs.begin(), repairs.end(), [](const v1::Repair& r) {
      return r.state() == v1::REPAIR_PENDING;
    });
    io.err << kProgramName << ": " << repairs.size() << " applications, " << pending
           << " pending\n";
  }
  return kExitOk;
}

int ListsDecideRepair(const ParsedCommand& c, ListClient& client, CommandIo io) {
  int exit = kExitOk;
  const bool grant = c.Has("grant");
  if (grant == c.Has("refuse")) return Usage(c, io, "give --grant or --refuse, one of the two");
  if (TrimAscii(c.Get("reason")).empty()) return Usage(c, io, "--reason must not be empty");
  v1::DecideRepairRequest request;
  request.set_name(std::string(TrimAscii(c.positional)));
  request.set_decision(grant ? v1::REPAIR_GRANTED : v1::REPAIR_REFUSED);
  request.set_reason(c.Get("reason"));
  request.set_request_id(c.Get("request-id"));
  v1::Repair repair;
  if (!Call(c, io, client, &ListClient::DecideRepair, request, &repair, &exit)) return exit;
  io.out << RenderRepairs({repair}, c.global.output, true);
  return kExitOk;
}

constexpr char kRefArg[] = "NAME | LIST [NUMBER]";
constexpr char kRefHelp[] =
    "lists/{honor|black}/publications/{id}; or LIST (honor or black): its "
    "newest publication; or LIST NUMBER: its published publication with that "
    "number";

}  // namespace

absl::StatusOr<v1::ListKind> ParseListKind(absl::string_view text) {
  const std::string lower =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (lower == "honor" || lower == "honour" || lower == "honor_list" ||
      lower == "红榜") {
    return v1::HONOR_LIST;
  }
  if (lower == "black" || lower == "black_list" || lower == "黑榜") {
    return v1::BLACK_LIST;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "'", text, "' is not a list; use honor (红榜) or black (黑榜)"));
}

absl::StatusOr<PublicationRef> ParsePublicationRef(
    const std::vector<std::string>& args) {
  PublicationRef ref;
  if (args.empty() || args.size() > 2) {
    return absl::InvalidArgumentError(
        "give a publication: NAME, LIST or LIST NUMBER");
  }
  if (absl::StartsWith(args[0], "lists/")) {
    if (args.size() > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a publication NAME takes no NUMBER (got '", args[1], "')"));
    }
    const std::vector<absl::string_view> parts = absl::StrSplit(args[0], '/');
    if (parts.size() != 4 || parts[2] != "publications" || parts[3].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a publication name is lists/{honor|black}/publications/{id}, not '",
          args[0], "'"));
    }
    ref.list = ListOfName(args[0]);
    if (ref.list == v1::LIST_KIND_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown list '", parts[1], "' in '", args[0],
                       "' (lists/honor/... or lists/black/...)"));
    }
    ref.name = args[0];
    return ref;
  }
  absl::StatusOr<v1::ListKind> list = ParseListKind(args[0]);
  if (!list.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(list.status().message(),
                     ", or a name lists/{honor|black}/publications/{id}"));
  }
  ref.list = *list;
  if (args.size() == 2) {
    int64_t number = 0;
    if (!absl::SimpleAtoi(args[1], &number) || number < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("NUMBER must be a publication number 1, 2, ..., not '",
                       args[1], "'"));
    }
    ref.number = number;
  }
  return ref;
}

std::vector<CommandSpec> ListCommandSpecs() {
  const std::string p = std::string(kProgramName);
  std::vector<CommandSpec> s;
  s.push_back(
      {{"lists", "propose"},
       "propose a list as of a date (a DRAFT, with its difference)",
       "Asks the server for a DRAFT of the list as of --as-of (default:\n"
       "today; at most today) and prints it: name, state, counts (entries,\n"
       "added, unchanged, removed) and the difference to the last\n"
       "publication: ADDED rows with their decision numbers, REMOVED rows\n"
       "with the reason; --all adds the UNCHANGED rows. --output json prints\n"
       "the whole Publication, csv the difference rows. A DRAFT of the list\n"
       "is superseded by the new one (re-propose after correcting data);\n"
       "FAILED_PRECONDITION PUBLICATION_IN_PROGRESS (exit 6) while a\n"
       "publication of the list is in NOTICE.",
       "LIST",
       "honor (红榜) or black (黑榜)",
       true,
       {{"as-of", "YYYY-MM-DD", "the list as of that date (default: today)"},
        {"all", "", "also print the unchanged entries"},
        RequestIdFlag()},
       {p + " lists propose black --as-of 2025-06-30",
        p + " lists propose honor --all"}});
  s.push_back(
      {{"lists", "show"},
       "show a publication: state, dates, counts, entries",
       "Prints a whole publication (rows page by page): name, list, state,\n"
       "number, as-of date, counts, notice period, times, policy and\n"
       "hashes, then every\n"
       "entry (credit code, name, legal representative, level, points,\n"
       "listing, earliest repair and expiry dates, change, decision numbers)\n"
       "and the removals. --output json prints the Publication, csv the\n"
       "entries with every reason in full.",
       kRefArg,
       kRefHelp,
       true,
       {},
       {p + " lists show black", p + " lists show black 3",
        p + " lists show lists/black/publications/17"},
       2});
  s.push_back(
      {{"lists", "diff"},
       "show how a publication differs from the previous one",
       "Prints only the difference of a publication to the previous\n"
       "publication of its list: a line with the counts, then the ADDED\n"
       "entries (with decision numbers) and the REMOVED ones (with reason and\n"
       "detail). --output json: {name, previousPublication, added, removed};\n"
       "csv: the rows.",
       kRefArg,
       kRefHelp,
       true,
       {},
       {p + " lists diff black", p + " lists diff black 3"},
       2});
  s.push_back(
      {{"lists", "notice"},
       "start the public notice; --export writes the notices (告知书)",
       "Without --export: StartNotice (DRAFT -> NOTICE). The public notice\n"
       "(公示) begins today and lasts the policy's notice period; objections\n"
       "are accepted until its last day. Prints the publication with its\n"
       "notice period.\n"
       "With --export DIR (black list only): starts the notice first when the\n"
       "publication is still a DRAFT, then writes DIR/notices.html: one\n"
       "printable A4 page per black-list candidate (enterprise, credit code,\n"
       "legal representative, reasons with decision numbers, basis, rights,\n"
       "the deadline for objections), labels in Chinese and English. A\n"
       "publication in NOTICE or PUBLISHED is only printed again.",
       kRefArg,
       kRefHelp,
       true,
       {{"export", "DIR", "write DIR/notices.html (created if needed)"},
        IssuerFlag(), RequestIdFlag()},
       {p + " lists notice black",
        p + " lists notice lists/black/publications/17 --export notices/"},
       2});
  s.push_back(
      {{"lists", "objection"},
       "file an objection (lists objection file NAME ...)",
       "Files an objection (异议) to a publication in NOTICE for one\n"
       "enterprise on the proposed list: who objects and why. Accepted from\n"
       "the first to the last day of the notice period (FAILED_PRECONDITION\n"
       "otherwise, exit 6); NOT_FOUND (exit 4) when the enterprise is not on\n"
       "the proposed list.",
       "file NAME | file LIST [NUMBER]",
       "the word 'file', then the publication (as for 'lists show')",
       true,
       {{"credit-code", "CODE", "the enterprise the objection is about", true},
        {"statement", "TEXT", "who objects and why, 1..2000 characters", true},
        {"evidence", "REF",
         "a reference to the evidence (document number, file name); up to 10",
         false, true},
        RequestIdFlag()},
       {p + " lists objection file black --credit-code 91320100MA1W2X3Y6A "
            "--statement '处罚决定已被行政复议撤销'"},
       3});
  s.push_back(
      {{"lists", "objections"},
       "list the objections to a publication",
       "Lists the objections to a publication, one page (--all: every\n"
       "page): name, credit code, state (PENDING, UPHELD, REJECTED), times,\n"
       "statement and the decision's reason; stderr says how many of those\n"
       "shown are still pending. --pending: only those waiting for a\n"
       "decision (the regulator's queue). An enterprise's token sees its own\n"
       "objections only and must give --credit-code (its own).",
       kRefArg,
       kRefHelp,
       true,
       With(PageFlags(), {{"pending", "", "only objections not decided yet"},
                          {"credit-code", "CODE", "only this enterprise's objections"}}),
       {p + " lists objections black"},
       2});
  s.push_back(
      {{"lists", "decide"},
       "decide an objection: --upheld or --rejected, with a reason",
       "Decides an objection once: UPHELD (the entry leaves the publication,\n"
       "shown as a removal with reason OBJECTION_UPHELD) or REJECTED, with a\n"
       "reason (1..2000 characters). Deciding twice is FAILED_PRECONDITION\n"
       "(exit 6).",
       "OBJECTION_NAME",
       "lists/{list}/publications/{id}/objections/{id}",
       true,
       {{"upheld", "", "the objection is right"},
        {"rejected", "", "the objection is wrong"},
        {"reason", "TEXT", "why, for the record", true},
        RequestIdFlag()},
       {p + " lists decide lists/black/publications/17/objections/2 "
            "--upheld --reason '复议撤销，核实无误'"}});
  s.push_back(
      {{"lists", "publish"},
       "publish a publication in NOTICE",
       "NOTICE -> PUBLISHED: the list gets its next number, its content\n"
       "hash and the hash of the previous publication's content. Only after\n"
       "the notice period has ended and every objection is decided: otherwise\n"
       "FAILED_PRECONDITION, every blocker is printed (NOTICE_NOT_ENDED,\n"
       "OBJECTIONS_PENDING, NOT_IN_NOTICE, with the server's description)\n"
       "and the exit code is 6. Publishing a PUBLISHED publication again\n"
       "returns it unchanged (exit 0).",
       kRefArg,
       kRefHelp,
       true,
       {RequestIdFlag()},
       {p + " lists publish black",
        p + " lists publish lists/black/publications/17"},
       2});
  s.push_back(
      {{"lists", "export"},
       "write the signed folder of a published list",
       "Writes ROOT/<list>/<number>/ (doc/publication-folder.md): index.html,\n"
       "<list>-<number>.csv (UTF-8 with BOM), <list>-<number>.json,\n"
       "publication.txt (the server's canonical content), manifest.json\n"
       "(hashes of every file, the content hashes, the previous manifest's\n"
       "hash) and manifest.sig (raw Ed25519 signature of manifest.json).\n"
       "LIST alone means the newest PUBLISHED publication. When the previous\n"
       "publication's folder is missing it is exported first (recursively).\n"
       "The output is byte-for-byte reproducible: exporting again into an\n"
       "existing folder writes nothing when it is identical (\"unchanged\")\n"
       "and fails with exit 6 when it differs. A publication that is not\n"
       "PUBLISHED is refused (exit 6); content that does not match its\n"
       "content_sha256 is refused before anything is written (exit 8).\n"
       "Then ROOT/index.html (every publication of both lists) and\n"
       "ROOT/public-key.pem (the key the pages link to) are written; a\n"
       "different key already there is refused (exit 6).",
       kRefArg,
       kRefHelp,
       true,
       {{"out", "ROOT", "the root folder of the published lists", true},
        {"key", "PRIVATE.pem", "the Ed25519 private key (keys generate)",
         true},
        IssuerFlag()},
       {p + " lists export black --out public/ --key keys/envcredit.key.pem "
            "--issuer issuer.conf",
        p + " lists export black 3 --out public/ --key keys/envcredit.key.pem"},
       2});
  s.push_back(
      {{"lists", "verify"},
       "check a published folder (or a chain) offline",
       "Checks a folder without the server: manifest.sig is a valid Ed25519\n"
       "signature of manifest.json under --public-key; every file listed\n"
       "exists with its size and SHA-256; there is no other file besides\n"
       "manifest.json and manifest.sig; SHA-256(publication.txt) equals\n"
       "content_sha256. When DIR is .../<honor|black>/<number> (as lists\n"
       "export writes it) the manifest's list and number must be those of\n"
       "the path (\"black/2 holds honor list publication 1\" is refused);\n"
       "when DIR is elsewhere the content is checked and stderr says which\n"
       "list and number were verified and that the path named none. With\n"
       "--chain, DIR is ROOT/<list>: it must hold only the folders 1..N (any\n"
       "other file or folder, \"01\" or hidden ones too, is refused), each is\n"
       "checked and must hold that list and number, and each one's\n"
       "previous_manifest_sha256 and previous_content_sha256 must match its\n"
       "predecessor. On success stderr names the list and number verified.\n"
       "Every problem is printed on stderr naming the file or link at\n"
       "fault, and the exit code is 8.",
       "DIR",
       "a publication folder (ROOT/black/3), or ROOT/<list> with --chain",
       true,
       {{"public-key", "PUBLIC.pem", "the publisher's Ed25519 public key",
         true},
        {"chain", "", "DIR is ROOT/<list>: check every folder and the links"}},
       {p + " lists verify public/black/3 --public-key envcredit.pub.pem",
        p + " lists verify public/black --chain --public-key "
            "envcredit.pub.pem"}});
  s.push_back(
      {{"lists", "entries"},
       "the entries of a list as last published",
       "Lists the entries of the list as last published, with their periods,\n"
       "one page (--all: every page). stderr names the publication they come\n"
       "from.",
       "LIST",
       "honor (红榜) or black (黑榜)",
       true,
       PageFlags(),
       {p + " lists entries black --page-size 20",
        p + " --output csv lists entries honor --all"}});
  s.push_back(
      {{"lists", "entry"},
       "is an enterprise on the list? its entry as last published",
       "Prints the enterprise's entry in the newest published publication of\n"
       "the list (GetListEntry), as `lists entries` prints it; stderr names\n"
       "the publication. An enterprise not on the list (or a list never\n"
       "published) is NOT_FOUND (ENTRY_NOT_FOUND), exit code 4.",
       "CREDIT_CODE",
       "the enterprise's code",
       true,
       {{"list", "LIST", "honor (红榜) or black (黑榜)", true}},
       {p + " lists entry 91320100MA1W2X3Y6A --list black",
        p + " --output json lists entry 91320100MA1W2X3Y6A --list honor"}});
  s.push_back(
      {{"lists", "repair"},
       "apply for credit repair of a black-list entry",
       "Credit repair (信用修复): granted only when the minimum period has\n"
       "passed, the violations are rectified (--rectified-on), the penalties\n"
       "performed (--penalty-performed) and a public credit commitment is on\n"
       "file (the server checks its records; --commitment names one).\n"
       "Otherwise FAILED_PRECONDITION: every unmet condition is printed\n"
       "(REPAIR_TOO_EARLY, NOT_RECTIFIED, PENALTY_NOT_PERFORMED,\n"
       "NO_CREDIT_COMMITMENT) and the exit code is 6. A grant removes the\n"
       "entry from the next publication (reason REPAIRED).",
       "CREDIT_CODE",
       "the enterprise's code, or lists/black/entries/CODE",
       true,
       {{"rectified-on", "YYYY-MM-DD", "the day the violations were rectified",
         true},
        {"penalty-performed", "",
         "the penalties were performed (without it the server reports "
         "PENALTY_NOT_PERFORMED)"},
        {"commitment", "NAME",
         "enterprises/CODE/commitments/ID of the public credit commitment"},
        {"note", "TEXT", "a note for the record"},
        RequestIdFlag()},
       {p + " lists repair 91320100MA1W2X3Y6A --rectified-on 2025-03-01 "
            "--penalty-performed"}});
  s.push_back(
      {{"lists", "repairs"},
       "list applications for credit repair (--pending: the queue)",
       "Lists applications for credit repair, newest first, one page (--all:\n"
       "every page): of one enterprise (CREDIT_CODE) or of every one. An\n"
       "application made with a regulator's token is decided when made\n"
       "(GRANTED); one made with the enterprise's own token waits (PENDING)\n"
       "for 'lists decide-repair'. An enterprise's token lists its own only.",
       "[CREDIT_CODE]",
       "the enterprise's code, or lists/black/entries/CODE; absent: everyone's",
       false,
       With(PageFlags(), {{"pending", "", "only applications waiting for a decision"}}),
       {p + " lists repairs --pending", p + " lists repairs 91320100MA1W2X3Y6A"}});
  s.push_back(
      {{"lists", "decide-repair"},
       "decide a pending repair application: --grant or --refuse, with a reason",
       "Decides an enterprise's application once. --grant checks the\n"
       "conditions again as of today (FAILED_PRECONDITION lists every unmet\n"
       "one, exit 6) and removes the entry from the next publication;\n"
       "--refuse keeps it. The reason (1..2000 characters) is shown to the\n"
       "enterprise. Deciding twice is FAILED_PRECONDITION (exit 6).",
       "REPAIR_NAME",
       "lists/black/entries/{code}/repairs/{id}, as 'lists repairs' prints it",
       true,
       {{"grant", "", "grant the repair"},
        {"refuse", "", "refuse it"},
        {"reason", "TEXT", "why, for the enterprise and the record", true},
        RequestIdFlag()},
       {p + " lists decide-repair lists/black/entries/91320100MA1W2X3Y6A/repairs/3 "
            "--grant --reason '整改到位，罚款已缴清'"}});
  s.push_back(
      {{"keys", "generate"},
       "make an Ed25519 key pair for signing published folders",
       "Writes DIR/NAME.key.pem (the private key, PKCS#8 PEM, mode 0600) and\n"
       "DIR/NAME.pub.pem (the public key to publish), creating DIR (mode\n"
       "0700) if needed. Never overwrites: when either file exists nothing is\n"
       "written and the exit code is 6. Prints both paths and the public\n"
       "key's fingerprint (sha256sum of NAME.pub.pem). Needs no server.",
       "",
       "",
       false,
       {{"out-dir", "DIR", "where to write the key files", true},
        {"name", "NAME", "file name stem (default: envcredit)"}},
       {p + " keys generate --out-dir keys/"}});
  return s;
}

int RunListCommand(const ParsedCommand& c, const ListClientSource& client,
                   CommandIo io) {
  // `verify` reads a folder and never calls the server: no client for it.
  if (c.command->path[1] == "verify") return ListsVerify(c, io);
  static const auto* const kCommands = new CommandTable<ListClient>{
      {"propose", ListsPropose},     {"show", ListsShow},
      {"diff", ListsDiff},           {"notice", ListsNotice},
      {"objection", ListsObjection}, {"objections", ListsObjections},
      {"decide", ListsDecide},       {"publish", ListsPublish},
      {"export", ListsExport},       {"entries", ListsEntries},
      {"entry", ListsEntry},         {"repair", ListsRepair},
      {"repairs", ListsRepairs},     {"decide-repair", ListsDecideRepair},
  };
  if (kCommands->count(c.command->path[1]) == 0) return NoHandler(c, io);
  return RunFromTable(*kCommands, c, client(), io);
}

int RunKeyCommand(const ParsedCommand& c, CommandIo io) {
  const std::string dir = c.Get("out-dir");
  const std::string name = c.Has("name") ? c.Get("name") : "envcredit";
  if (dir.empty()) return Usage(c, io, "--out-dir needs a DIR");
  if (name.empty() || absl::StrContains(name, '/') || name == "." ||
      name == "..") {
    return Usage(c, io,
                 absl::StrCat("--name must be a file name without '/', not '",
                              name, "'"));
  }
  absl::StatusOr<Ed25519KeyPair> pair = WriteKeyPairFiles(dir, name);
  if (!pair.ok()) {
    return LocalError(io, pair.status().message(),
                      ExitForLocalStatus(pair.status()));
  }
  io.out << RenderRecord(
      {{"private_key", absl::StrCat(dir, "/", name, ".key.pem")},
       {"public_key", absl::StrCat(dir, "/", name, ".pub.pem")},
       {"public_key_sha256", Sha256Hex(pair->public_pem)}},
      c.global.output);
  io.err << kProgramName
         << ": keep the private key secret (mode 0600) and back it up; "
            "publish the public key and its fingerprint\n";
  return kExitOk;
}

}  // namespace envcredit::admin
