// tests/table_rows.hpp: a for_each_row sink that records every cell as tagged text, so that
// rows from the walk, from CSV and from SQLite compare with ==.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "livesend/tables.hpp"

namespace test {

/// A cell as text: `null`, `s:<text>`, `i:<digits>`, `d:<shortest double>`, `b:true|false`,
/// `t:<canonical timestamp>`, `j:<minified JSON>`.
using cell_text = std::string;

struct recorded_row {
  livesend::table table;
  std::vector<cell_text> cells;

  /// The cell of the column named `name` (a failed lookup gives "<no such column>").
  const cell_text& operator[](std::string_view name) const {
    static const cell_text none = "<no such column>";
    const std::size_t i = livesend::columns(table).find(name);
    return i < cells.size() ? cells[i] : none;
  }
};

/// Records the rows (and checks that the cells come in column order).
struct recording_sink {
  std::vector<recorded_row> rows;
  bool out_of_order = false;

  void begin_row(livesend::table t) { rows.push_back({t, {}}); }
  void put(std::size_t column, cell_text text) {
    out_of_order = out_of_order || column != rows.back().cells.size();
    rows.back().cells.push_back(std::move(text));
  }
  void cell(std::size_t c, livesend::null_cell) { put(c, "null"); }
  void cell(std::size_t c, std::string_view s) { put(c, "s:" + std::string(s)); }
  void cell(std::size_t c, std::int64_t i) { put(c, fmt::format("i:{}", i)); }
  void cell(std::size_t c, double d) { put(c, fmt::format("d:{}", d)); }
  void cell(std::size_t c, bool b) { put(c, b ? "b:true" : "b:false"); }
  void cell(std::size_t c, livesend::timestamp t) { put(c, "t:" + t.to_string()); }
  void cell(std::size_t c, livesend::json_cell j) { put(c, "j:" + std::string(j.text)); }
  void end_row() {}

  /// The rows of table t, in order.
  std::vector<recorded_row> of(livesend::table t) const {
    std::vector<recorded_row> out;
    for (const auto& r : rows) {
      if (r.table == t) out.push_back(r);
    }
    return out;
  }
};

template <class S>
std::vector<recorded_row> rows_of(const livesend::basic_event<S>& ev) {
  recording_sink sink;
  livesend::for_each_row(ev, sink);
  return sink.rows;
}

inline bool operator==(const recorded_row& a, const recorded_row& b) {
  return a.table == b.table && a.cells == b.cells;
}

}  // namespace test
