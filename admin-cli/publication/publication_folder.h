// The folder of a published list (SPEC §7; doc/publication-folder.md):
//
//   ROOT/<list>/<number>/       e.g. ROOT/black/3/
//     index.html                the readable, searchable page
//     <list>-<number>.csv       the entries, UTF-8 with BOM, bilingual header
//     <list>-<number>.json      the entries and removals
//     publication.txt           exactly the server's canonical_content
//     manifest.json             list, number, dates, hashes, files
//     manifest.sig              raw 64-byte Ed25519 signature of manifest.json
//
// Building a folder is a pure function of a PUBLISHED v1::Publication, the
// SHA-256 of the previous publication's manifest.json and the private key:
// no clock (publish_time comes from the server), so an export run twice
// gives the same bytes. Writing and verifying touch only the file system.
// No gRPC here: fetching the publications is the caller's job
// (list_commands.h). Functions are thread-safe; two writers of the same
// folder are safe too (a folder appears whole, by rename, or not at all).
#ifndef ENVCREDIT_ADMIN_CLI_PUBLICATION_PUBLICATION_FOLDER_H_
#define ENVCREDIT_ADMIN_CLI_PUBLICATION_PUBLICATION_FOLDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "admin-cli/publication/issuer.h"
#include "admin-cli/publication/publication_html.h"  // FolderFile
#include "envcredit/v1/lists.pb.h"

namespace envcredit::admin {

inline constexpr absl::string_view kManifestFile = "manifest.json";
inline constexpr absl::string_view kSignatureFile = "manifest.sig";
inline constexpr absl::string_view kContentFile = "publication.txt";
inline constexpr absl::string_view kIndexFile = "index.html";
inline constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

// What manifest.json holds, in the order it is written.
struct Manifest {
  struct File {
    std::string path;
    std::string sha256;  // hex
    int64_t bytes = 0;
  };
  std::string list;  // "honor" / "black"
  int64_t number = 0;
  std::string as_of;         // YYYY-MM-DD
  std::string publish_time;  // RFC 3339 UTC, from the server
  std::string policy_id;
  int64_t policy_version = 0;
  std::string content_sha256;
  std::string previous_content_sha256;   // "" for number 1
  std::string previous_manifest_sha256;  // "" for number 1
  std::vector<File> files;               // every file but manifest.json/.sig
};

// manifest.json's bytes: a JSON object with the keys in the order of
// Manifest, 2-space indent, non-ASCII as UTF-8, a trailing newline — the
// same bytes Python's json.dumps(m, indent=2, ensure_ascii=False) + "\n"
// prints.
std::string RenderManifestJson(const Manifest& manifest);

// Reads manifest.json. INVALID_ARGUMENT naming the first missing or
// ill-typed key when `text` is not such an object.
absl::StatusOr<Manifest> ParseManifestJson(absl::string_view text);

// <list>-<number>.csv: the UTF-8 BOM, a bilingual header ("企业名称 /
// Enterprise", ...) and one row per entry in credit-code order, RFC 4180
// with CRLF line ends.
std::string RenderEntriesCsv(const envcredit::v1::Publication& publication);

// <list>-<number>.json: list, number, as_of, publish_time, entries (each
// with its reasons) and removals, in the same JSON style as the manifest.
std::string RenderEntriesJson(const envcredit::v1::Publication& publication);

// "ROOT/<list>/<number>".
std::string PublicationFolderPath(absl::string_view root,
                                  absl::string_view list, int64_t number);

// The files of the folder of `publication`, manifest.json and manifest.sig
// last; `previous_manifest_sha256` is the SHA-256 (hex) of the previous
// publication's manifest.json ("" for number 1). `issuer` is named on the
// page (publication_html.h). Fails without building anything:
//   FAILED_PRECONDITION  not PUBLISHED, no number, no list, no publish_time;
//   DATA_LOSS            SHA-256(canonical_content) != content_sha256;
//   INVALID_ARGUMENT     `previous_manifest_sha256` not 64 hex digits for
//                        number > 1 or not empty for number 1, or a private
//                        key that is not an unencrypted Ed25519 PEM key.
absl::StatusOr<std::vector<FolderFile>> BuildPublicationFolder(
    const envcredit::v1::Publication& publication,
    absl::string_view previous_manifest_sha256,
    absl::string_view private_key_pem, const Issuer& issuer);

// The pages at the root of the published tree, written after each export:
// ROOT/public-key.pem (the public key of `private_key_pem`, which every
// folder's page links to) and ROOT/index.html (RenderRootIndexHtml over the
// manifests found in ROOT/honor/<n>/ and ROOT/black/<n>/; a folder without a
// readable manifest is left out). Not part of any signed folder. The key
// file is never replaced by another key: FAILED_PRECONDITION when
// ROOT/public-key.pem holds a different key (folders signed by the old key
// would no longer verify with what their pages link to). index.html is
// replaced atomically.
absl::Status WriteRootPages(const std::string& root, const Issuer& issuer,
                            absl::string_view private_key_pem);

// WriteRootPages' key check alone, for an export to run before it writes
// any folder: OK when ROOT/public-key.pem is absent or holds the public key
// of `private_key_pem`, else FAILED_PRECONDITION naming both fingerprints.
absl::Status CheckPublishedKey(const std::string& root,
                               absl::string_view private_key_pem);

// The SHA-256 of ROOT/<list>/<number-1>/manifest.json for `publication`
// ("" for number 1). NOT_FOUND when that folder does not exist (export the
// previous publication first); FAILED_PRECONDITION naming the file when the
// folder exists without a readable manifest.json, or when its list, number
// or content_sha256 is not what `publication` says of its predecessor
// (previous_content_sha256).
absl::StatusOr<std::string> PreviousManifestSha256(
    absl::string_view root, const envcredit::v1::Publication& publication);

enum class WriteOutcome {
  kWritten,    // the folder did not exist and was written
  kUnchanged,  // it existed with exactly these files and bytes
};

// Writes `files` as the folder `dir`, creating its parents. The files go to
// a temporary sibling folder first, each fsync'ed, which is then renamed to
// `dir`: readers see the whole folder or none. When `dir` already exists it
// is compared instead: kUnchanged if it holds exactly `files`, otherwise
// FAILED_PRECONDITION naming the first difference (an export never
// overwrites). Other errors name the path.
absl::StatusOr<WriteOutcome> WritePublicationFolder(
    const std::string& dir, const std::vector<FolderFile>& files);

// The result of a verification: every problem found, each naming the file
// or link at fault ("index.html: SHA-256 differs ...", "missing file ...",
// "manifest.sig: signature does not verify ...", "3/manifest.json:
// previous_manifest_sha256 does not match 2/manifest.json"). Empty: all
// good.
struct VerifyReport {
  std::vector<std::string> problems;
  int folders = 0;  // folders checked
  int files = 0;    // listed files checked
  // What was verified, from the manifest(s): the list ("honor" / "black")
  // and the publication number (the newest one of a chain); "" and 0 when
  // no manifest could be read.
  std::string list;
  int64_t number = 0;
  // Whether the folder's path named a list and number that the manifest
  // was checked against (always true for a chain: each folder N against its
  // number and the root's list), and whether they matched. `place` is what
  // the path named ("black/2"), "" for a chain or when it named none.
  bool place_checked = false;
  bool place_matches = false;
  std::string place;
  bool manifest_read = false;  // manifest.json parsed: list, number are its
  bool ok() const { return problems.empty(); }
};

// Where a folder sits in the canonical layout `lists export` writes,
// ROOT/<list>/<number>.
struct FolderPlace {
  std::string list;  // "honor" / "black"
  int64_t number = 0;
};

// The list and number `dir` names: its last two components are "honor" or
// "black" and a positive decimal number without leading zeros
// ("public/black/3", "public/black/3/"). A relative path is taken from the
// working directory (so "." inside ROOT/black/3 names black 3); "." and
// ".." are resolved by name, symbolic links are not followed. false when
// the path does not have that form (e.g. "/tmp/x", "black/03").
bool FolderPlaceOfPath(absl::string_view dir, FolderPlace* place);

// Whether `name` is a publication number as a folder name: decimal, no
// leading zero, 1 or more ("3", not "03", "0" or "+3").
bool IsPublicationNumberName(absl::string_view name, int64_t* number);

// Checks one folder offline: manifest.sig is a valid signature of
// manifest.json's exact bytes under `public_key_pem`; manifest.json parses;
// every listed file exists with its size and SHA-256; no file besides the
// listed ones, manifest.json and manifest.sig; SHA-256(publication.txt) ==
// content_sha256. `label` prefixes the file names in messages ("3/" in a
// chain). The parsed manifest goes to `*manifest` when it parses (may be
// null); the report's list and number are the manifest's. The folder's
// content only: where the folder sits is not checked (see
// VerifyPublicationFolderInPlace). INVALID_ARGUMENT only when
// `public_key_pem` is not an Ed25519 public key; problems with the folder
// are in the report.
absl::StatusOr<VerifyReport> VerifyPublicationFolder(
    const std::string& dir, absl::string_view public_key_pem,
    absl::string_view label = "", Manifest* manifest = nullptr);

// `lists verify DIR`: VerifyPublicationFolder, and the folder bound to its
// place. The manifest's list must be "honor" or "black" and its number
// 1 or more. When FolderPlaceOfPath(dir) names a list and number, the
// manifest's must be the same, else the problem names both ("black/2 holds
// honor list publication 1 ..."), and place_checked is true. When the path
// does not name one (a folder copied elsewhere), place_checked is false:
// the caller must say which list and number it verified. Errors as
// VerifyPublicationFolder.
absl::StatusOr<VerifyReport> VerifyPublicationFolderInPlace(
    const std::string& dir, absl::string_view public_key_pem);

// Checks ROOT/<list> as a chain: its numbered folders must be 1..N with no
// gap, and nothing else may be at the list root — every other file or
// folder (a stray file, "x", "01", a hidden ".3.tmp-XXXXXX" left by an
// interrupted export) is a problem naming it; each is checked as
// VerifyPublicationFolder does, its manifest's list and number must match
// the folder, number 1 must have empty previous hashes, and each later one's
// previous_manifest_sha256 must be the SHA-256 of its predecessor's
// manifest.json and its previous_content_sha256 the predecessor's
// content_sha256. INVALID_ARGUMENT for a bad public key; NOT_FOUND when
// `list_dir` is not a readable directory.
absl::StatusOr<VerifyReport> VerifyPublicationChain(
    const std::string& list_dir, absl::string_view public_key_pem);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_PUBLICATION_PUBLICATION_FOLDER_H_
