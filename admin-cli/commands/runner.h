// The one way a command of envcredit-admin calls the server and prints what
// it got. A command is described as data — which client method it calls,
// how its request is built from the command line, how the answer is
// printed — and RunCall / RunList run it:
//
//   - each call gets a fresh x-request-id (call_context.h);
//   - a failed call is reported on stderr with its code, details and request
//     id, and the command exits with the code for its status (Failed,
//     rpc_errors.h); a wrong argument is a usage error (Usage, exit 2);
//   - a list takes --page-size (1..1000) and --page-token, prints one page
//     and, when more follow, the next token on stderr; --all follows every
//     next_page_token (FetchPages), stopping when the server repeats one.
//
// The pieces are also there on their own (Call, FetchPages) for the
// commands that do more than one call. Every command returns its process
// exit code (exit_codes.h).
#ifndef ENVCREDIT_ADMIN_CLI_COMMANDS_RUNNER_H_
#define ENVCREDIT_ADMIN_CLI_COMMANDS_RUNNER_H_

#include <functional>
#include <iosfwd>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "admin-cli/args.h"
#include "admin-cli/call_context.h"
#include "admin-cli/retry.h"
#include "google/protobuf/message.h"
#include "admin-cli/commands/flags.h"
#include "admin-cli/exit_codes.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "grpcpp/support/status.h"

namespace envcredit::admin {

// The ways a command ends with an error; each prints the report and returns
// the exit code (Usage, for a wrong command line, is in flags.h).
// A failed call: DescribeRpcError with the call's x-request-id; the exit
// code for its status.
int Failed(const ParsedCommand& c, CommandIo io, const grpc::Status& status,
           const std::string& call_id);
// A failure without a call (a file, a lookup): "envcredit-admin: MESSAGE";
// returns `exit`.
int LocalError(CommandIo io, absl::string_view message, int exit);
// The internal error of a command without a handler; kExitFailure.
int NoHandler(const ParsedCommand& c, CommandIo io);

// A method of a client interface (clients/), e.g. &EnterpriseClient::Get.
template <typename Client, typename Request, typename Response>
using ClientMethod = grpc::Status (Client::*)(const std::string& call_id,
                                              const Request& request,
                                              Response* response);

// Fills a request from the command line. False after printing why it
// cannot (Usage, or Failed for a lookup call) and setting *exit.
template <typename Request>
using RequestBuilder = std::function<bool(Request& request, int* exit)>;

// Whether `request` may be sent again after a failure that leaves its
// outcome unknown; fills an empty `request_id` field with a fresh one first,
// so that the server answers a repeat with what the first attempt stored.
// False only for a create without a request_id field (CreateToken): sent
// twice, it could make two.
bool PrepareForRetries(google::protobuf::Message& request);

// One call, sent again by the CLI's retry policy (retry.h, RetryOf(io))
// when it failed in a way a retry may cure; each attempt has a fresh
// x-request-id, the request itself is the same. False after reporting the
// last failure (Failed) and setting *exit.
template <typename Client, typename Request, typename Response>
bool Call(const ParsedCommand& c, CommandIo io, Client& client,
          ClientMethod<Client, Request, Response> method,
          const Request& request, Response* response, int* exit) {
  Request sent = request;
  RetryPolicy policy = RetryOf(io);
  if (!PrepareForRetries(sent)) policy.max_attempts = 1;
  std::string call_id;
  const grpc::Status status = CallWithRetry(policy, [&]() {
    call_id = NewRequestId();
    response->Clear();
    return (client.*method)(call_id, sent, response);
  });
  if (status.ok()) return true;
  *exit = Failed(c, io, status, call_id);
  return false;
}

// Fetches the page `request` names and, while `on_page(response)` returns
// true and a next_page_token comes back, the pages after it. `on_page` may
// move the items out of the response. On success `*next` is the token of
// the first page not fetched ("" after the last). False after reporting a
// failed call, or a page token the server sent twice (it would loop), and
// setting *exit.
template <typename Client, typename Request, typename Response, typename OnPage>
bool FetchPages(const ParsedCommand& c, CommandIo io, Client& client,
                ClientMethod<Client, Request, Response> method,
                Request& request, OnPage on_page, std::string* next,
                int* exit) {
  std::set<std::string> seen;
  for (;;) {
    Response response;
    if (!Call(c, io, client, method, request, &response, exit)) return false;
    const bool more = on_page(response);
    *next = response.next_page_token();
    if (!more || next->empty()) return true;
    if (!seen.insert(*next).second) {
      *exit = LocalError(
          io, "the server returned the same page token twice; stopping",
          kExitFailure);
      return false;
    }
    request.set_page_token(*next);
  }
}

// The paging every list command shares (PageFlags): --page-size (else the
// server's default), --page-token, and --all to follow every
// next_page_token. Without --all it fetches one page and, when more follow,
// says on stderr how to get the next. `on_page` gets each page fetched.
// False after reporting a failure, setting *exit.
template <typename Client, typename Request, typename Response, typename OnPage>
bool FetchListPages(const ParsedCommand& c, CommandIo io, Client& client,
                    ClientMethod<Client, Request, Response> method,
                    Request& request, OnPage on_page, int* exit) {
  int size = 0;
  if (!PageSizeFlag(c, io, &size, exit)) return false;
  request.set_page_size(size);
  request.set_page_token(c.Get("page-token"));
  const bool all = c.Has("all");
  std::string next;
  const auto take = [&](Response& page) {
    on_page(page);
    return all;
  };
  if (!FetchPages(c, io, client, method, request, take, &next, exit)) {
    return false;
  }
  if (!next.empty()) {
    io.err << "more results: run again with --page-token " << next
           << " (or use --all)\n";
  }
  return true;
}

// T, where a template argument must not be deduced from (so that a lambda
// converts to the std::function a spec holds).
template <typename T>
struct NonDeducedType {
  using type = T;
};
template <typename T>
using NonDeduced = typename NonDeducedType<T>::type;

// Prints an answer, or a page of items, in the --output format.
template <typename Value>
using Printer = std::function<std::string(const Value&, OutputFormat)>;

// A command that makes one call and prints its answer: get, create, update
// and the custom methods (rectify, revoke, check-item, ...). The types come
// from the method: CallSpec(&EnterpriseClient::Get, build, print).
template <typename Client, typename Request, typename Response>
struct CallSpec {
  CallSpec(ClientMethod<Client, Request, Response> method,
           NonDeduced<RequestBuilder<Request>> build,
           NonDeduced<Printer<Response>> print)
      : method(method), build(std::move(build)), print(std::move(print)) {}

  ClientMethod<Client, Request, Response> method;
  RequestBuilder<Request> build;
  Printer<Response> print;
};

template <typename Client, typename Request, typename Response>
int RunCall(const ParsedCommand& c, CommandIo io, Client& client,
            const CallSpec<Client, Request, Response>& spec) {
  Request request;
  int exit = kExitOk;
  if (!spec.build(request, &exit)) return exit;
  Response response;
  if (!Call(c, io, client, spec.method, request, &response, &exit)) {
    return exit;
  }
  io.out << spec.print(response, c.global.output);
  return kExitOk;
}

// A command that lists a collection: `items` names the repeated field of a
// page (&ListEnterprisesResponse::mutable_enterprises); `build` sets the
// filters (RunList sets page_size and page_token from the flags).
template <typename Client, typename Request, typename Response, typename Item>
struct ListSpec {
  ListSpec(ClientMethod<Client, Request, Response> method,
           google::protobuf::RepeatedPtrField<Item>* (Response::*items)(),
           NonDeduced<RequestBuilder<Request>> build,
           NonDeduced<Printer<std::vector<Item>>> print)
      : method(method),
        items(items),
        build(std::move(build)),
        print(std::move(print)) {}

  ClientMethod<Client, Request, Response> method;
  google::protobuf::RepeatedPtrField<Item>* (Response::*items)();
  RequestBuilder<Request> build;
  Printer<std::vector<Item>> print;
};

template <typename Client, typename Request, typename Response, typename Item>
int RunList(const ParsedCommand& c, CommandIo io, Client& client,
            const ListSpec<Client, Request, Response, Item>& spec) {
  Request request;
  int exit = kExitOk;
  if (!spec.build(request, &exit)) return exit;
  std::vector<Item> items;
  const auto take = [&](Response& page) {
    for (Item& item : *(page.*spec.items)()) items.push_back(std::move(item));
  };
  if (!FetchListPages(c, io, client, spec.method, request, take, &exit)) {
    return exit;
  }
  io.out << spec.print(items, c.global.output);
  return kExitOk;
}

// A command of a group, run with the group's client.
template <typename Client>
using Command = std::function<int(const ParsedCommand&, Client&, CommandIo)>;

// The commands of a group by name (the second word of the command line).
template <typename Client>
using CommandTable = std::map<std::string, Command<Client>>;

// Fills a request from the command line; false after printing why it
// cannot and setting *exit. The named-function form of RequestBuilder.
template <typename Request>
using FlagReader = bool (*)(const ParsedCommand& c, CommandIo io,
                            Request& request, int* exit);

// The Render* functions of output/ print a list, or one item (`single`).
template <typename Item>
using ListRenderer = std::string (*)(const std::vector<Item>& list,
                                     OutputFormat format, bool single);

// Printers from a ListRenderer: one item, or a page.
template <typename Item>
Printer<Item> PrintOne(ListRenderer<Item> render) {
  return [render](const Item& item, OutputFormat format) {
    return render({item}, format, /*single=*/true);
  };
}
template <typename Item>
Printer<std::vector<Item>> PrintPage(ListRenderer<Item> render) {
  return [render](const std::vector<Item>& items, OutputFormat format) {
    return render(items, format, /*single=*/false);
  };
}

// Commands as data, for a CommandTable:
// one call whose request `read` fills from the flags,
template <typename Client, typename Request, typename Response>
Command<Client> CallCommand(ClientMethod<Client, Request, Response> method,
                            NonDeduced<FlagReader<Request>> read,
                            NonDeduced<Printer<Response>> print) {
  return [=](const ParsedCommand& c, Client& client, CommandIo io) {
    return RunCall(c, io, client,
                   CallSpec<Client, Request, Response>(
                       method,
                       [&](Request& request, int* exit) {
                         return read(c, io, request, exit);
                       },
                       print));
  };
}

// a get of the resource the NAME argument names,
template <typename Client, typename Request, typename Response>
Command<Client> GetCommand(ClientMethod<Client, Request, Response> method,
                           NonDeduced<Printer<Response>> print) {
  return CallCommand<Client, Request, Response>(
      method,
      [](const ParsedCommand& c, CommandIo, Request& request, int*) {
        request.set_name(c.positional);
        return true;
      },
      print);
}

// and a list (RunList) whose filters `read` fills from the flags.
template <typename Client, typename Request, typename Response, typename Item>
Command<Client> ListCommand(
    ClientMethod<Client, Request, Response> method,
    google::protobuf::RepeatedPtrField<Item>* (Response::*items)(),
    NonDeduced<FlagReader<Request>> read,
    NonDeduced<Printer<std::vector<Item>>> print) {
  return [=](const ParsedCommand& c, Client& client, CommandIo io) {
    return RunList(c, io, client,
                   ListSpec<Client, Request, Response, Item>(
                       method, items,
                       [&](Request& request, int* exit) {
                         return read(c, io, request, exit);
                       },
                       print));
  };
}

// Runs `c` from `table`; an internal error when the table lacks it (every
// CommandSpec of the group needs an entry).
template <typename Client>
int RunFromTable(const CommandTable<Client>& table, const ParsedCommand& c,
                 Client& client, CommandIo io) {
  const auto it = table.find(c.command->path[1]);
  if (it == table.end()) return NoHandler(c, io);
  return it->second(c, client, io);
}

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_COMMANDS_RUNNER_H_
