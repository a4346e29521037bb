// livesend/tables.hpp: an event as relational rows (the contract's "tables"): the five tables,
// their columns derived at compile time from the schema of model.hpp, a walk over an event's rows
// that hands typed cells to a sink the caller writes, and the SQLite DDL of the same columns.
//
//   struct my_sink {
//     void begin_row(livesend::table t);
//     void cell(std::size_t column, livesend::null_cell);       // absent, null, unset timestamp
//     void cell(std::size_t column, std::string_view text);     // str
//     void cell(std::size_t column, std::int64_t value);        // int
//     void cell(std::size_t column, double value);              // num
//     void cell(std::size_t column, bool value);                // bool
//     void cell(std::size_t column, livesend::timestamp value); // ts (never unset)
//     void cell(std::size_t column, livesend::json_cell json);  // raw and [str]: minified JSON
//     void end_row();
//   };
//   livesend::row_scratch scratch;  // reused across events: no allocation per row
//   livesend::for_each_row(ev, sink, scratch);
//
// The naming rule (spec/tables.md): a column is the snake_case of its contract key; the members
// of a single nested object are flattened into the row of the object holding it, prefixed with
// the object's short name and `_` (`client_`, `link_`, `content_`, `library_`; none for `data`
// and `LivesendSessionSummary`), the prefix written once where the name already starts with it.
// Column order: the key columns; then the row's own (non-object) fields in key order (for
// `events`: `id`, `version`, the other wrapper fields, then the fields of `data`); then the row's
// single nested objects in key order, each flattened whole in its own key order.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "livesend/detail/json_text.hpp"
#include "livesend/model.hpp"
#include "livesend/timestamp.hpp"

namespace livesend {

/// The tables of an event, in the order for_each_row visits them (parents before children).
enum class table : std::uint8_t { events, link_contents, content_sessions, pages, participants };

inline constexpr std::size_t table_count = 5;

/// Every table, parents before children (the order to create them and to insert rows).
inline constexpr std::array<table, table_count> all_tables = {table::events, table::link_contents,
                                                              table::content_sessions, table::pages,
                                                              table::participants};

/// The table's SQL and file name: `events`, `link_contents`, `content_sessions`, `pages`,
/// `participants`.
constexpr std::string_view table_name(table t) noexcept {
  constexpr std::string_view names[] = {"events", "link_contents", "content_sessions", "pages",
                                        "participants"};
  return names[static_cast<std::size_t>(t)];
}

/// Where a table's rows come from in the event: `` for events (the event itself),
/// `data.LivesendSessionSummary.Link.Content[]`, `data.ContentSessions[]`,
/// `data.ContentSessions[].Pages[]`, `data.Participants[]`.
constexpr std::string_view table_source(table t) noexcept {
  constexpr std::string_view sources[] = {"", "data.LivesendSessionSummary.Link.Content[]",
                                          "data.ContentSessions[]",
                                          "data.ContentSessions[].Pages[]", "data.Participants[]"};
  return sources[static_cast<std::size_t>(t)];
}

/// A column's SQLite type.
enum class sql_type : std::uint8_t { text, integer, real };

/// `TEXT`, `INTEGER` or `REAL`.
constexpr std::string_view sql_type_name(sql_type t) noexcept {
  constexpr std::string_view names[] = {"TEXT", "INTEGER", "REAL"};
  return names[static_cast<std::size_t>(t)];
}

/// A column's contract type (the `?` of optional fields is in column::not_null).
enum class value_type : std::uint8_t { str, int64, num, boolean, ts, raw, str_array };

/// The contract's code: `str`, `int`, `num`, `bool`, `ts`, `raw`, `[str]`.
constexpr std::string_view value_type_name(value_type t) noexcept {
  constexpr std::string_view names[] = {"str", "int", "num", "bool", "ts", "raw", "[str]"};
  return names[static_cast<std::size_t>(t)];
}

/// The SQLite type that holds a contract type: int and bool INTEGER, num REAL, all else TEXT.
constexpr sql_type sql_type_of(value_type t) noexcept {
  return t == value_type::int64 || t == value_type::boolean ? sql_type::integer
         : t == value_type::num                             ? sql_type::real
                                                            : sql_type::text;
}

/// One column of a table. Names and paths are computed at compile time into the column itself
/// (no allocation, no initialisation at run time): `columns(t)` points into constexpr data.
struct column {
  static constexpr std::size_t max_name = 47;
  static constexpr std::size_t max_path = 63;

  char name_chars[max_name + 1] = {};
  char path_chars[max_path + 1] = {};
  std::uint8_t name_size = 0;
  std::uint8_t path_size = 0;
  value_type type = value_type::str;
  bool not_null = false;  ///< a key column, or a required field all of whose objects are required
  bool key = false;       ///< part of the table's primary key (`id`; `event_id`, `idx`, ...)
  /// The personal data the field holds (its schema row's rule): how `csv --redact` masks it.
  livesend::personal personal = livesend::personal::none;

  /// The column's name, e.g. `client_geolocation_latitude`.
  constexpr std::string_view name() const noexcept { return {name_chars, name_size}; }
  /// The contract path of the field, relative to table_source(t) (for events: to the event),
  /// as the contract spells it, e.g. `data.ClientDetails.GeolocationLatitude`; empty for the
  /// key columns that are not fields (`event_id`, `session_idx`, `idx`).
  constexpr std::string_view path() const noexcept { return {path_chars, path_size}; }
  constexpr sql_type sql() const noexcept { return sql_type_of(type); }
};

/// The columns of one table, in order: a view of static constexpr data.
struct column_list {
  const column* first = nullptr;
  std::size_t count = 0;

  constexpr const column* begin() const noexcept { return first; }
  constexpr const column* end() const noexcept { return first + count; }
  constexpr std::size_t size() const noexcept { return count; }
  constexpr const column& operator[](std::size_t i) const noexcept { return first[i]; }
  /// The index of the column named `name`, or size() when there is none.
  constexpr std::size_t find(std::string_view name) const noexcept {
    std::size_t i = 0;
    while (i < count && first[i].name() != name) ++i;
    return i;
  }
};

/// A cell with no value: an absent or null optional, an unset timestamp (DateTime.MinValue), or a
/// member of an absent optional object.
struct null_cell {};

/// A cell holding JSON text (raw values and arrays of strings), minified. The text is valid
/// only during the sink's call (it may live in the scratch buffer).
struct json_cell {
  std::string_view text;
};

/// The reusable buffer for_each_row minifies raw values and writes `[str]` arrays into. Once it
/// has grown to the largest such value, walking rows allocates nothing.
using row_scratch = fmt::memory_buffer;

namespace detail::tables {

// ---- Member types ---------------------------------------------------------------------------

template <class T>
struct optional_of {
  using type = T;
  static constexpr bool optional = false;
};
template <class T>
struct optional_of<std::optional<T>> {
  using type = T;
  static constexpr bool optional = true;
};

template <class T, class = void>
struct has_schema : std::false_type {};
template <class T>
struct has_schema<T, std::void_t<decltype(schema<T>::fields)>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

template <class T>
struct is_raw : std::false_type {};
template <class S>
struct is_raw<basic_raw_json<S>> : std::true_type {};

template <class T>
constexpr bool is_string_v = std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>;

/// What a member of type M becomes: a column, a nested object flattened in, or (an array of
/// records) a child table.
enum class member_kind { column, object, child_table };

template <class M>
constexpr member_kind kind_of() noexcept {
  using U = typename optional_of<M>::type;
  if constexpr (has_schema<U>::value) {
    return member_kind::object;
  } else if constexpr (is_vector<U>::value) {
    return has_schema<typename U::value_type>::value ? member_kind::child_table
                                                     : member_kind::column;
  } else {
    return member_kind::column;
  }
}

/// The contract type of a column member M (optional or not).
template <class M>
constexpr value_type value_type_of() noexcept {
  using U = typename optional_of<M>::type;
  if constexpr (is_string_v<U>) {
    return value_type::str;
  } else if constexpr (std::is_same_v<U, std::int64_t>) {
    return value_type::int64;
  } else if constexpr (std::is_same_v<U, double>) {
    return value_type::num;
  } else if constexpr (std::is_same_v<U, bool>) {
    return value_type::boolean;
  } else if constexpr (std::is_same_v<U, timestamp>) {
    return value_type::ts;
  } else if constexpr (is_raw<U>::value) {
    return value_type::raw;
  } else {
    static_assert(is_vector<U>::value && is_string_v<typename U::value_type>,
                  "a member type the tables do not know: add it to value_type_of");
    return value_type::str_array;
  }
}

/// The short name a single nested object's members are prefixed with (the hand-written part of
/// the tables: which object is flattened with which prefix). A nested record type missing here
/// is a compile error, so a new object in the model cannot be flattened by accident.
template <class T>
struct flatten_prefix;
template <class S>
struct flatten_prefix<basic_data<S>> {
  static constexpr std::string_view value = "";
};
template <class S>
struct flatten_prefix<basic_client_details<S>> {
  static constexpr std::string_view value = "client";
};
template <class S>
struct flatten_prefix<basic_session_summary<S>> {
  static constexpr std::string_view value = "";
};
template <class S>
struct flatten_prefix<basic_link<S>> {
  static constexpr std::string_view value = "link";
};
template <class S>
struct flatten_prefix<basic_content<S>> {
  static constexpr std::string_view value = "content";
};
template <class S>
struct flatten_prefix<basic_library_content<S>> {
  static constexpr std::string_view value = "library";
};

// ---- The walk -------------------------------------------------------------------------------
//
// One walk describes every table's row: the column builder runs it at compile time with null
// records (it reads only types and keys), the row emitter at run time with the event's values.
// A visitor has:
//   key(name, value_type, value)              a key column (event_id, idx, session_idx)
//   field(key, const M* value_or_null, personal)  a column; null when an enclosing optional is
//                                             empty; with its schema row's personal-data rule
//   enter(key, prefix, required) / leave()    around a nested object's members
//   mark_key()                                the last field is the table's primary key

template <class R, class F>
constexpr void for_each_def(F&& f) {
  std::apply([&](const auto&... def) { (f(def), ...); }, schema<R>::fields);
}

template <class Def>
struct def_member;
template <class R, class M>
struct def_member<field_def<R, M>> {
  using type = M;
};

/// A pointer to the member `def` of *rec, or null when rec is null.
template <class R, class M>
constexpr const M* member_ptr(const R* rec, const field_def<R, M>& def) noexcept {
  return rec != nullptr ? &(rec->*(def.member)) : nullptr;
}

/// A pointer to the record held by an object member (optional or not), or null.
template <class M>
constexpr const typename optional_of<M>::type* object_ptr(const M* m) noexcept {
  if constexpr (optional_of<M>::optional) {
    return m != nullptr && m->has_value() ? &**m : nullptr;
  } else {
    return m;
  }
}

template <class R, class V>
constexpr void walk_in_place(V& v, const R* rec);

template <class R, class M, class V>
constexpr void walk_object(V& v, const R* rec, const field_def<R, M>& def) {
  using U = typename optional_of<M>::type;
  v.enter(def.key, flatten_prefix<U>::value, !optional_of<M>::optional);
  walk_in_place<U>(v, object_ptr(member_ptr(rec, def)));
  v.leave();
}

/// Every column of R in key order, nested objects flattened where they stand.
template <class R, class V>
constexpr void walk_in_place(V& v, const R* rec) {
  for_each_def<R>([&](const auto& def) {
    using M = typename def_member<std::decay_t<decltype(def)>>::type;
    if constexpr (kind_of<M>() == member_kind::column) {
      v.field(def.key, member_ptr(rec, def), def.personal_kind);
    } else if constexpr (kind_of<M>() == member_kind::object) {
      walk_object(v, rec, def);
    }
  });
}

/// R's own columns (not those of its nested objects) in key order, but those keyed `skip1` or
/// `skip2`.
template <class R, class V>
constexpr void walk_own(V& v, const R* rec, std::string_view skip1 = {},
                        std::string_view skip2 = {}) {
  for_each_def<R>([&](const auto& def) {
    using M = typename def_member<std::decay_t<decltype(def)>>::type;
    if constexpr (kind_of<M>() == member_kind::column) {
      if (def.key != skip1 && def.key != skip2) {
        v.field(def.key, member_ptr(rec, def), def.personal_kind);
      }
    }
  });
}

/// R's own column keyed `key`.
template <class R, class V>
constexpr void walk_one(V& v, const R* rec, std::string_view key) {
  for_each_def<R>([&](const auto& def) {
    using M = typename def_member<std::decay_t<decltype(def)>>::type;
    if constexpr (kind_of<M>() == member_kind::column) {
      if (def.key == key) v.field(def.key, member_ptr(rec, def), def.personal_kind);
    }
  });
}

/// R's single nested objects in key order, each flattened whole, but the one keyed `skip`.
template <class R, class V>
constexpr void walk_objects(V& v, const R* rec, std::string_view skip = {}) {
  for_each_def<R>([&](const auto& def) {
    using M = typename def_member<std::decay_t<decltype(def)>>::type;
    if constexpr (kind_of<M>() == member_kind::object) {
      if (def.key != skip) walk_object(v, rec, def);
    }
  });
}

/// A child table's row: its own columns, then its nested objects.
template <class R, class V>
constexpr void walk_row(V& v, const R* rec) {
  walk_own(v, rec);
  walk_objects(v, rec);
}

/// The row of `events`: `id`, `version`, the wrapper's other columns, then the columns of
/// `data`, then the nested objects of the wrapper (none but data) and of data.
template <class S, class V>
constexpr void walk_event_row(V& v, const basic_event<S>* ev) {
  walk_one(v, ev, "id");
  v.mark_key();  // the event's id is the table's key
  walk_one(v, ev, "version");
  walk_own(v, ev, "id", "version");
  using D = basic_data<S>;
  const D* data = ev != nullptr ? &ev->data : nullptr;
  v.enter("data", flatten_prefix<D>::value, true);
  walk_own(v, data);
  v.leave();
  walk_objects(v, ev, "data");
  v.enter("data", flatten_prefix<D>::value, true);
  walk_objects(v, data);
  v.leave();
}

/// The record a row of table T comes from.
template <table T, class S>
struct row_record;
template <class S>
struct row_record<table::events, S> {
  using type = basic_event<S>;
};
template <class S>
struct row_record<table::link_contents, S> {
  using type = basic_content<S>;
};
template <class S>
struct row_record<table::content_sessions, S> {
  using type = basic_content_session<S>;
};
template <class S>
struct row_record<table::pages, S> {
  using type = basic_page<S>;
};
template <class S>
struct row_record<table::participants, S> {
  using type = basic_participant<S>;
};
template <table T, class S>
using row_record_t = typename row_record<T, S>::type;

/// The row of table T for `item` (null for the column builder), with its key values.
template <table T, class S, class V>
constexpr void walk_table_row(V& v, const row_record_t<T, S>* item, std::string_view event_id = {},
                              std::int64_t session_idx = 0, std::int64_t idx = 0) {
  if constexpr (T == table::events) {
    walk_event_row(v, item);
  } else {
    v.key("event_id", value_type::str, event_id);
    if constexpr (T == table::pages) v.key("session_idx", value_type::int64, session_idx);
    v.key("idx", value_type::int64, idx);
    walk_row(v, item);
  }
}

// ---- Column names at compile time ----------------------------------------------------------

constexpr bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower_or_digit(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/// A fixed-capacity text built at compile time.
struct name_text {
  char chars[column::max_name + 1] = {};
  std::size_t size = 0;
  bool overflow = false;

  constexpr void push(char c) noexcept {
    if (size < column::max_name) {
      chars[size++] = c;
    } else {
      overflow = true;
    }
  }
  constexpr std::string_view view() const noexcept { return {chars, size}; }
};

/// `TotalDurationSeconds` -> `total_duration_seconds`, `occurredAt` -> `occurred_at`: an
/// underscore before an upper-case letter that follows a lower-case letter or digit, or that
/// starts a word after an upper-case run (`HTTPServer` -> `http_server`); all lower case.
constexpr name_text snake_case(std::string_view key) noexcept {
  name_text out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (is_upper(c)) {
      const bool after_word = i > 0 && is_lower_or_digit(key[i - 1]);
      const bool starts_word =
          i > 0 && is_upper(key[i - 1]) && i + 1 < key.size() && !is_upper(key[i + 1]);
      if (after_word || starts_word) out.push('_');
      out.push(static_cast<char>(c - 'A' + 'a'));
    } else {
      out.push(c);
    }
  }
  return out;
}

/// `prefix` + `_` + name, or name itself when it starts with `prefix_` already (the prefix
/// written once) or the prefix is empty.
constexpr name_text with_prefix(const name_text& name, std::string_view prefix) noexcept {
  if (prefix.empty()) return name;
  const std::string_view n = name.view();
  if (n.size() > prefix.size() && n.substr(0, prefix.size()) == prefix && n[prefix.size()] == '_') {
    return name;
  }
  name_text out;
  for (char c : prefix) out.push(c);
  out.push('_');
  for (char c : n) out.push(c);
  out.overflow = out.overflow || name.overflow;
  return out;
}

struct level {
  std::string_view key;
  std::string_view prefix;
  bool required = true;
};

/// The visitor's stack of enclosing objects.
struct level_stack {
  static constexpr std::size_t max_depth = 8;
  level levels[max_depth] = {};
  std::size_t depth = 0;

  constexpr void enter(std::string_view key, std::string_view prefix, bool required) noexcept {
    levels[depth++] = level{key, prefix, required};
  }
  constexpr void leave() noexcept { --depth; }
};

/// Counts the columns of a table.
struct column_counter {
  std::size_t count = 0;
  constexpr void key(std::string_view, value_type, std::string_view) noexcept { ++count; }
  constexpr void key(std::string_view, value_type, std::int64_t) noexcept { ++count; }
  template <class M>
  constexpr void field(std::string_view, const M*, livesend::personal) noexcept {
    ++count;
  }
  constexpr void enter(std::string_view, std::string_view, bool) noexcept {}
  constexpr void leave() noexcept {}
  constexpr void mark_key() noexcept {}
};

/// Fills the columns of a table; `bad` is set when a name or path does not fit.
template <std::size_t N>
struct column_builder {
  std::array<column, N> columns = {};
  std::size_t count = 0;
  level_stack stack;
  bool bad = false;

  constexpr void put_name(column& col, const name_text& name) noexcept {
    bad = bad || name.overflow;
    for (std::size_t i = 0; i < name.size; ++i) col.name_chars[i] = name.chars[i];
    col.name_size = static_cast<std::uint8_t>(name.size);
  }
  constexpr void append_path(column& col, std::string_view part) noexcept {
    for (char c : part) {
      if (col.path_size < column::max_path) {
        col.path_chars[col.path_size++] = c;
      } else {
        bad = true;
      }
    }
  }
  constexpr void add_key(std::string_view name, value_type type) noexcept {
    column& col = columns[count++];
    name_text text;
    for (char c : name) text.push(c);
    put_name(col, text);
    col.type = type;
    col.not_null = true;
    col.key = true;
  }
  constexpr void key(std::string_view name, value_type type, std::string_view) noexcept {
    add_key(name, type);
  }
  constexpr void key(std::string_view name, value_type type, std::int64_t) noexcept {
    add_key(name, type);
  }
  template <class M>
  constexpr void field(std::string_view key, const M*, livesend::personal kind) noexcept {
    column& col = columns[count++];
    col.personal = kind;
    name_text name = snake_case(key);
    bool required = !optional_of<M>::optional;
    for (std::size_t i = stack.depth; i-- > 0;) {
      name = with_prefix(name, stack.levels[i].prefix);
      required = required && stack.levels[i].required;
    }
    put_name(col, name);
    for (std::size_t i = 0; i < stack.depth; ++i) {
      append_path(col, stack.levels[i].key);
      append_path(col, ".");
    }
    append_path(col, key);
    col.type = value_type_of<M>();
    // A required timestamp may still be unset (DateTime.MinValue), which is NULL.
    col.not_null = required && col.type != value_type::ts;
  }
  constexpr void enter(std::string_view key, std::string_view prefix, bool required) noexcept {
    stack.enter(key, prefix, required);
  }
  constexpr void leave() noexcept { stack.leave(); }
  constexpr void mark_key() noexcept {
    columns[count - 1].key = true;
    columns[count - 1].not_null = true;
  }
};

template <table T, class S = std::string_view>
constexpr std::size_t count_columns() noexcept {
  column_counter counter;
  walk_table_row<T, S>(counter, static_cast<const row_record_t<T, S>*>(nullptr));
  return counter.count;
}

template <table T, std::size_t N>
constexpr column_builder<N> build_columns() noexcept {
  column_builder<N> builder;
  walk_table_row<T, std::string_view>(
      builder, static_cast<const row_record_t<T, std::string_view>*>(nullptr));
  return builder;
}

template <std::size_t N>
constexpr bool unique_names(const std::array<column, N>& cols) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = i + 1; j < N; ++j) {
      if (cols[i].name() == cols[j].name()) return false;
    }
  }
  return true;
}

/// The array-of-records members of R and of its nested objects, recursively (each is a table).
template <class R>
constexpr std::size_t count_child_tables() noexcept {
  std::size_t n = 0;
  for_each_def<R>([&](const auto& def) {
    using M = typename def_member<std::decay_t<decltype(def)>>::type;
    using U = typename optional_of<M>::type;
    if constexpr (kind_of<M>() == member_kind::child_table) {
      n += 1 + count_child_tables<typename U::value_type>();
    } else if constexpr (kind_of<M>() == member_kind::object) {
      n += count_child_tables<U>();
    }
  });
  return n;
}

template <table T>
struct table_columns {
  static constexpr std::size_t size = count_columns<T>();
  static_assert(size == count_columns<T, std::string>(), "both flavours have the same columns");
  static constexpr column_builder<size> built = build_columns<T, size>();
  static_assert(!built.bad, "a column name or path is longer than column::max_name/max_path");
  static_assert(unique_names(built.columns), "two columns of a table have the same name");
  static constexpr const std::array<column, size>& columns = built.columns;
};

// Every array of records in the model is one of the four child tables: a new one in the model
// must be given its table here.
static_assert(count_child_tables<basic_event<std::string_view>>() == table_count - 1,
              "an array of records in the model has no table");

// ---- Rows at run time ----------------------------------------------------------------------

template <class Sink>
class row_emitter {
 public:
  row_emitter(Sink& sink, row_scratch& scratch) noexcept : sink_(sink), scratch_(scratch) {}

  void begin(table t) {
    column_ = 0;
    sink_.begin_row(t);
  }
  void end() { sink_.end_row(); }

  void key(std::string_view, value_type, std::string_view value) { sink_.cell(column_++, value); }
  void key(std::string_view, value_type, std::int64_t value) { sink_.cell(column_++, value); }

  template <class M>
  void field(std::string_view, const M* value, livesend::personal) {
    if (value == nullptr) {
      sink_.cell(column_++, null_cell{});
    } else {
      put(*value);
    }
  }

  void enter(std::string_view, std::string_view, bool) noexcept {}
  void leave() noexcept {}
  void mark_key() noexcept {}

 private:
  template <class T>
  void put(const std::optional<T>& value) {
    if (value) {
      put(*value);
    } else {
      sink_.cell(column_++, null_cell{});
    }
  }
  void put(const std::string& s) { sink_.cell(column_++, std::string_view(s)); }
  void put(std::string_view s) { sink_.cell(column_++, s); }
  void put(std::int64_t i) { sink_.cell(column_++, i); }
  void put(double d) { sink_.cell(column_++, d); }
  void put(bool b) { sink_.cell(column_++, b); }
  void put(timestamp t) {
    if (t.is_unset()) {
      sink_.cell(column_++, null_cell{});
    } else {
      sink_.cell(column_++, t);
    }
  }
  template <class S>
  void put(const basic_raw_json<S>& raw) {
    scratch_.clear();
    append_minified(scratch_, raw.json);
    sink_.cell(column_++, json_cell{std::string_view(scratch_.data(), scratch_.size())});
  }
  template <class S>
  void put(const std::vector<S>& strings) {
    scratch_.clear();
    scratch_.push_back('[');
    for (std::size_t i = 0; i < strings.size(); ++i) {
      if (i != 0) scratch_.push_back(',');
      append_json_string(scratch_, strings[i]);
    }
    scratch_.push_back(']');
    sink_.cell(column_++, json_cell{std::string_view(scratch_.data(), scratch_.size())});
  }

  Sink& sink_;
  row_scratch& scratch_;
  std::size_t column_ = 0;
};

template <table T, class S, class Sink>
void emit_row(row_emitter<Sink>& out, const row_record_t<T, S>* item, std::string_view event_id,
              std::int64_t session_idx, std::int64_t idx) {
  out.begin(T);
  walk_table_row<T, S>(out, item, event_id, session_idx, idx);
  out.end();
}

}  // namespace detail::tables

/// The columns of table T, computed at compile time: a constexpr std::array of column.
template <table T>
inline constexpr const auto& table_columns_v = detail::tables::table_columns<T>::columns;

/// The columns of table `t`, in order: key columns first, then the fields (see the file's head
/// for the naming rule and the order). Points into static constexpr data; never allocates.
constexpr column_list columns(table t) noexcept {
  switch (t) {
    case table::events:
      return {table_columns_v<table::events>.data(), table_columns_v<table::events>.size()};
    case table::link_contents:
      return {table_columns_v<table::link_contents>.data(),
              table_columns_v<table::link_contents>.size()};
    case table::content_sessions:
      return {table_columns_v<table::content_sessions>.data(),
              table_columns_v<table::content_sessions>.size()};
    case table::pages:
      return {table_columns_v<table::pages>.data(), table_columns_v<table::pages>.size()};
    case table::participants:
      return {table_columns_v<table::participants>.data(),
              table_columns_v<table::participants>.size()};
  }
  return {};
}

/// Walks the rows of `ev`, table by table (all_tables order: the event's row, then its link
/// contents, content sessions, pages of each session in order, participants), handing each
/// cell to `sink` as described at the head of this file: begin_row(table), one cell(column,
/// value) per column in order, end_row(). A string cell's text points into `ev` (valid while
/// ev is); a json_cell's text points into `scratch` and is valid only during that call.
/// Allocates nothing once `scratch` has grown to the longest raw value or `[str]` array (the
/// sink's own allocations aside). Works on both flavours (event and event_view) with the same
/// cells.
template <class S, class Sink>
void for_each_row(const basic_event<S>& ev, Sink& sink, row_scratch& scratch) {
  using detail::tables::emit_row;
  detail::tables::row_emitter<Sink> out(sink, scratch);
  const std::string_view id = ev.id;
  emit_row<table::events, S>(out, &ev, id, 0, 0);
  const auto& contents = ev.data.livesend_session_summary.link.content;
  for (std::size_t i = 0; i < contents.size(); ++i) {
    emit_row<table::link_contents, S>(out, &contents[i], id, 0, static_cast<std::int64_t>(i));
  }
  const auto& sessions = ev.data.content_sessions;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    emit_row<table::content_sessions, S>(out, &sessions[i], id, 0, static_cast<std::int64_t>(i));
  }
  for (std::size_t s = 0; s < sessions.size(); ++s) {
    const auto& pages = sessions[s].pages;
    for (std::size_t i = 0; i < pages.size(); ++i) {
      emit_row<table::pages, S>(out, &pages[i], id, static_cast<std::int64_t>(s),
                                static_cast<std::int64_t>(i));
    }
  }
  const auto& participants = ev.data.participants;
  for (std::size_t i = 0; i < participants.size(); ++i) {
    emit_row<table::participants, S>(out, &participants[i], id, 0, static_cast<std::int64_t>(i));
  }
}

/// for_each_row with a scratch buffer of the calling thread, kept for the thread's lifetime.
template <class S, class Sink>
void for_each_row(const basic_event<S>& ev, Sink& sink) {
  thread_local row_scratch scratch;
  for_each_row(ev, sink, scratch);
}

/// The SQLite `CREATE TABLE` statement of table `t` (no trailing semicolon): its columns with
/// their types, NOT NULL on key columns and required fields, the primary key (`id`;
/// `event_id, idx`; `event_id, session_idx, idx` for pages) and the foreign key to the parent
/// row (ON DELETE CASCADE). `if_not_exists` adds IF NOT EXISTS.
inline std::string sqlite_create_table(table t, bool if_not_exists = false) {
  const column_list cols = columns(t);
  fmt::memory_buffer out;
  fmt::format_to(fmt::appender(out), "CREATE TABLE {}{} (\n", if_not_exists ? "IF NOT EXISTS " : "",
                 table_name(t));
  for (const column& c : cols) {
    fmt::format_to(fmt::appender(out), "  {} {}{},\n", c.name(), sql_type_name(c.sql()),
                   c.not_null ? " NOT NULL" : "");
  }
  // The parent row: the event, or (for a page) its content session.
  std::string_view parent;
  if (t == table::pages) {
    parent = "FOREIGN KEY (event_id, session_idx) REFERENCES content_sessions (event_id, idx)";
  } else if (t != table::events) {
    parent = "FOREIGN KEY (event_id) REFERENCES events (id)";
  }
  out.append(std::string_view("  PRIMARY KEY ("));
  bool first = true;
  for (const column& c : cols) {
    if (!c.key) continue;
    if (!first) out.append(std::string_view(", "));
    first = false;
    out.append(c.name());
  }
  out.push_back(')');
  if (!parent.empty()) fmt::format_to(fmt::appender(out), ",\n  {} ON DELETE CASCADE", parent);
  out.append(std::string_view("\n)"));
  return fmt::to_string(out);
}

/// The DDL of all five tables, parents first, each statement ended by `;` and a newline.
inline std::string sqlite_ddl(bool if_not_exists = false) {
  std::string ddl;
  for (table t : all_tables) {
    ddl += sqlite_create_table(t, if_not_exists);
    ddl += ";\n";
  }
  return ddl;
}

}  // namespace livesend
