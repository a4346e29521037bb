// tools/livesend/commands/sqlite/load.cpp: `livesend load --db FILE`, the events stored in a
// SQLite database as the contract's tables, exactly once per event id (store/sqlite_store.hpp).
//
// Built only with the SQLite store (LIVESEND_WITH_SQLITE). One transaction per batch: a batch
// ends after batch_events events or batch_seconds, whichever comes first. The database is in
// WAL mode with `synchronous = NORMAL`: a commit is atomic, and a process killed at any point
// leaves every committed batch and nothing of the open one (WAL with NORMAL loses no committed
// transaction to a crashed process, only, on a power loss, the last ones, never leaving part of
// one). FULL would add an fsync per batch to survive power losses as well; a load can be run
// again instead (the same files give the same tables), so it is not worth its cost here.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstddef>
#include <string>

#include "../../command.hpp"
#include "../../input.hpp"
#include "../../output.hpp"
#include "livesend/livesend.hpp"
#include "sqlite_store.hpp"

namespace livesend_cli {

namespace {

namespace store = livesend::store;

class load final : public command {
 public:
  void add_options(CLI::App& app) override {
    app.add_option("--db", db_path_,
                   "(load) the SQLite database to store the events in (created\n"
                   "with the tables when missing)")
        ->type_name("FILE")
        ->required();
    input_.add_options(app);
  }

  int run(output& out) override {
    store::options opts;
    opts.synchronous = store::options::sync_mode::normal;
    if (const store::status st = db_.open(db_path_, opts); !st.ok()) {
      out.error("livesend: {}: {}\n", db_path_, st.message);
      return exit_usage;
    }
    started_ = clock::now();
    int status = input_.read(out, [&](const livesend::event_view& ev) { store(out, ev); });
    if (!failed_ && db_.in_batch()) commit(out);
    if (failed_) status = worse(status, exit_usage);
    db_.close();
    out.error("{} records read, {} events stored, {} duplicates skipped, {} records rejected\n",
              input_.events(), db_.stored_count(), db_.duplicate_count(), input_.failed());
    return status;
  }

 private:
  using clock = std::chrono::steady_clock;
  static constexpr std::size_t batch_events = 4096;
  static constexpr std::chrono::seconds batch_seconds{1};

  void store(output& out, const livesend::event_view& ev) {
    if (failed_) return;  // reported: the remaining events are read, not stored
    if (!db_.in_batch()) {
      if (const store::status st = db_.begin(); !st.ok()) return fail(out, st.message);
      batch_size_ = 0;
      started_ = clock::now();
    }
    if (const store::store_result r = db_.store(ev); !r.ok()) return fail(out, r.message);
    ++batch_size_;
    if (batch_size_ >= batch_events || clock::now() - started_ >= batch_seconds) commit(out);
  }

  void commit(output& out) {
    if (const store::status st = db_.commit(); !st.ok()) fail(out, st.message);
  }

  /// An error of the database stops the load: the open batch is rolled back, the batches
  /// committed before stay (loading the same files again completes it).
  void fail(output& out, const std::string& message) {
    failed_ = true;
    if (db_.in_batch()) (void)db_.rollback();
    out.error("livesend: {}: {}; the load stopped (the events of the open batch are not stored)\n",
              db_path_, message);
  }

  event_input input_;
  std::string db_path_;
  store::sqlite_store db_;
  clock::time_point started_;
  std::size_t batch_size_ = 0;
  bool failed_ = false;
};

}  // namespace

extern const command_spec load_command{
    "load", "store the events in a SQLite database, once per event id",
    "Stores the events in the SQLite database FILE as the contract's tables (docs/tables.md),\n"
    "created on first use. An event whose id is stored already is skipped and counted:\n"
    "loading the same files again leaves the same tables. Each event's rows are stored\n"
    "together or not at all; a commit every few thousand events or every second (WAL mode),\n"
    "so a load that is stopped keeps what it committed and can simply be run again. Reports,\n"
    "at the end on stderr, \"<n> records read, <n> events stored, <n> duplicates skipped,\n"
    "<n> records rejected\".\n",
    [] { return std::unique_ptr<command>(new load); }};

}  // namespace livesend_cli
