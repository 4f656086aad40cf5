// jemalloc's options for envcredit-server, compiled in only when the server
// is linked with jemalloc (ENVCREDIT_JEMALLOC; doc/decisions.md "The server
// allocates through jemalloc"). jemalloc reads this global when it starts;
// MALLOC_CONF in the environment still adds to or overrides it.
//
// background_thread:true — freed memory goes back to the system from
// jemalloc's own threads. Without them the thread that frees (or allocates)
// returns it with madvise, whose TLB shootdown waits for every core: in the
// start-up backfill of 100,000 ratings that was a third of the server's CPU
// (6.3-8.1 s against 2.8-3.3 s with background threads; doc/benchmarks.md
// "The start-up backfill and jemalloc's purging").

// The name and linkage jemalloc looks up.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "background_thread:true";
}
