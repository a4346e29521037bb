// livesend/livesend.hpp: the whole library, for readers of Seismic LiveSend
// "livesend-session-summary-v3" webhook events.
//
//   livesend::parser p;
//   livesend::event ev;
//   if (auto err = p.parse(body, ev)) { /* err.path(), err.message() */ }
//
// Threads: a `parser` is not thread-safe (use one per thread); values, errors, timestamps and
// records are plain data. Each header says what it holds; include/livesend/detail/ is not API.
#pragma once

#include "livesend/csv.hpp"
#include "livesend/error.hpp"
#include "livesend/format.hpp"
#include "livesend/model.hpp"
#include "livesend/parallel.hpp"
#include "livesend/parse.hpp"
#include "livesend/stream.hpp"
#include "livesend/tables.hpp"
#include "livesend/timestamp.hpp"
#include "livesend/version.hpp"
#include "livesend/write.hpp"
