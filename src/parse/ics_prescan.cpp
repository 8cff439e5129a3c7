#include "parse/ics_prescan.h"

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "core/text.h"

namespace concerto::parse {
namespace {

// Enough of an unfolded line to read a property name and a BEGIN/END component name.
constexpr std::size_t kPrefixBytes = 256;

// Properties whose comma-separated values count against limits.max_values_per_property.
constexpr std::array<std::string_view, 4> kCountedProperties = {"RDATE", "EXDATE", "CATEGORIES",
                                                                "RESOURCES"};

bool is_top_level_only(std::string_view component) {
  return component == "VEVENT" || component == "VTODO" || component == "VJOURNAL" ||
         component == "VFREEBUSY" || component == "VTIMEZONE";
}

// One unfolded content line, fed piece by piece (one piece per physical line) so that a huge
// line is never copied: only its first kPrefixBytes and its value count are kept.
class LogicalLine {
 public:
  void start(std::size_t offset, int line) {
    offset_ = offset;
    line_ = line;
    active_ = true;
    length_ = 0;
    prefix_.clear();
    state_ = State::kName;
    counted_ = -1;
    in_quotes_ = false;
    escaped_ = false;
    values_ = 0;
    value_empty_ = true;
    name_length_ = 0;
  }

  void feed(std::string_view piece, std::size_t max_line_bytes) {
    length_ += piece.size();
    if (length_ > max_line_bytes) return;  // reported when the line ends
    if (prefix_.size() < kPrefixBytes) {
      prefix_.append(piece.substr(0, kPrefixBytes - prefix_.size()));
    }
    for (std::size_t i = 0; i < piece.size(); ++i) {
      const char c = piece[i];
      if (state_ == State::kName) {
        if (c == ';' || c == ':') {
          name_ = core::ascii_upper(std::string_view(prefix_).substr(0, name_length_));
          counted_ = -1;
          for (std::size_t k = 0; k < kCountedProperties.size(); ++k) {
            if (name_ == kCountedProperties[k]) counted_ = static_cast<int>(k);
          }
          state_ = c == ';' ? State::kParams : State::kValue;
        } else {
          ++name_length_;
        }
      } else if (state_ == State::kParams) {
        if (c == '"') {
          in_quotes_ = !in_quotes_;
        } else if (c == ':' && !in_quotes_) {
          state_ = State::kValue;
        }
      } else {
        if (counted_ < 0) return;  // the rest of this value is not looked at
        value_empty_ = false;
        if (escaped_) {
          escaped_ = false;
        } else if (c == '\\') {
          escaped_ = true;
        } else if (c == ',') {
          ++values_;
        }
      }
    }
  }

  bool active() const { return active_; }
  void finish() {
    active_ = false;
    if (state_ == State::kName)
      name_ = core::ascii_upper(std::string_view(prefix_).substr(0, name_length_));
  }
  std::size_t offset() const { return offset_; }
  int line() const { return line_; }
  std::size_t length() const { return length_; }
  const std::string& name() const { return name_; }
  // The value as far as the prefix holds it (enough for BEGIN:/END:).
  std::string value() const {
    const auto colon = prefix_.find(':');
    if (colon == std::string::npos) return {};
    return std::string(core::trim(std::string_view(prefix_).substr(colon + 1)));
  }
  int counted_property() const { return counted_; }
  int value_count() const { return value_empty_ ? 0 : values_ + 1; }

 private:
  enum class State { kName, kParams, kValue };
  std::size_t offset_ = 0;
  int line_ = 0;
  bool active_ = false;
  std::size_t length_ = 0;
  std::string prefix_;
  std::string name_;
  std::size_t name_length_ = 0;
  State state_ = State::kName;
  int counted_ = -1;
  bool in_quotes_ = false;
  bool escaped_ = false;
  int values_ = 0;
  bool value_empty_ = true;
};

struct OpenComponent {
  std::string name;
  int line = 0;
};

// The top-level component being read (a child of VCALENDAR).
struct TopLevel {
  std::string name;
  std::size_t offset = 0;
  int line = 0;
  bool broken = false;
  std::array<int, kCountedProperties.size()> values{};
};

class Prescanner {
 public:
  Prescanner(std::string_view text, const core::IngestLimits& limits, core::Problems& problems)
      : text_(text), limits_(limits), problems_(problems) {}

  core::Result<IcsLayout> run() {
    if (static_cast<std::int64_t>(text_.size()) > limits_.max_bytes) {
      return core::Error{"the document is " + std::to_string(text_.size()) +
                         " bytes, over limits.max_bytes (" + std::to_string(limits_.max_bytes) +
                         ")"};
    }
    std::size_t pos = 0;
    int line = 0;
    while (pos < text_.size()) {
      ++line;
      std::size_t end = text_.find_first_of("\r\n", pos);
      if (end == std::string_view::npos) end = text_.size();
      std::size_t next = end;
      if (next < text_.size())
        next += (text_[next] == '\r' && next + 1 < text_.size() && text_[next + 1] == '\n') ? 2 : 1;
      const std::string_view content = text_.substr(pos, end - pos);
      if (!content.empty() && (content[0] == ' ' || content[0] == '\t')) {
        if (current_.active()) current_.feed(content.substr(1), limit_line_bytes());
      } else {
        if (current_.active() && !end_line(pos)) return error_;
        if (!content.empty()) {
          current_.start(pos, line);
          current_.feed(content, limit_line_bytes());
        }
      }
      pos = next;
    }
    if (current_.active() && !end_line(text_.size())) return error_;
    layout_.line_count = line;
    return finish();
  }

 private:
  std::size_t limit_line_bytes() const { return static_cast<std::size_t>(limits_.max_line_bytes); }

  bool fail(std::string message) {
    error_ = core::Error{std::move(message)};
    return false;
  }

  void report(core::Severity severity, int line, std::string message) {
    problems_.push_back({severity, line, "", std::move(message)});
  }

  // Handles the logical line that just ended; `end_offset` is where the next one starts.
  bool end_line(std::size_t end_offset) {
    current_.finish();
    const int line = current_.line();
    if (current_.length() > limit_line_bytes()) {
      return fail("line " + std::to_string(line) + ": unfolded line is " +
                  std::to_string(current_.length()) + " bytes, over limits.max_line_bytes (" +
                  std::to_string(limits_.max_line_bytes) + ")");
    }
    const std::string& name = current_.name();
    if (name == "BEGIN") return begin(core::ascii_upper(current_.value()), line, end_offset);
    if (name == "END") return end(core::ascii_upper(current_.value()), line, end_offset);
    if (stack_.empty()) {
      if (!seen_calendar_) {
        return fail("not an iCalendar document: line " + std::to_string(line) +
                    " comes before BEGIN:VCALENDAR");
      }
      if (!warned_outside_) {
        warned_outside_ = true;
        report(core::Severity::kWarning, line, "content after END:VCALENDAR ignored");
      }
      return true;
    }
    if (top_ && current_.counted_property() >= 0) {
      const auto index = static_cast<std::size_t>(current_.counted_property());
      top_->values[index] += current_.value_count();
      if (!top_->broken && top_->values[index] > limits_.max_values_per_property) {
        top_->broken = true;
        report(core::Severity::kError, line,
               std::string(kCountedProperties[index]) + " has more than " +
                   "limits.max_values_per_property (" +
                   std::to_string(limits_.max_values_per_property) + ") values; the " + top_->name +
                   " on line " + std::to_string(top_->line) + " is skipped");
      }
    }
    return true;
  }

  bool begin(const std::string& component, int line, std::size_t end_offset) {
    const std::size_t offset = current_.offset();
    if (component == "VCALENDAR") {
      if (top_) drop_top(line, "BEGIN:VCALENDAR");
      if (!stack_.empty()) {
        report(core::Severity::kWarning, line, "BEGIN:VCALENDAR inside a calendar ignored");
        return true;
      }
      if (!seen_calendar_) {
        seen_calendar_ = true;
        in_header_ = true;
        header_begin_ = end_offset;
        layout_.header_line = line + 1;
      }
      stack_.push_back({component, line});
      return true;
    }
    if (stack_.empty()) {
      if (!seen_calendar_) {
        return fail("not an iCalendar document: line " + std::to_string(line) +
                    " is BEGIN:" + component + ", expected BEGIN:VCALENDAR");
      }
      if (!warned_outside_) {
        warned_outside_ = true;
        report(core::Severity::kWarning, line, "content after END:VCALENDAR ignored");
      }
      return true;
    }
    if (top_ && is_top_level_only(component)) drop_top(line, "BEGIN:" + component);
    stack_.push_back({component, line});
    if (static_cast<int>(stack_.size()) > limits_.max_depth) {
      return fail("line " + std::to_string(line) + ": components nested " +
                  std::to_string(stack_.size()) + " deep, over limits.max_depth (" +
                  std::to_string(limits_.max_depth) + ")");
    }
    if (stack_.size() == 2) {
      if (in_header_) {
        in_header_ = false;
        header_end_ = offset;
      }
      top_ = TopLevel{component, offset, line, false, {}};
      if (component == "VEVENT" && ++event_count_ > limits_.max_events) {
        return fail("line " + std::to_string(line) + ": more than limits.max_events (" +
                    std::to_string(limits_.max_events) + ") events");
      }
    }
    return true;
  }

  bool end(const std::string& component, int line, std::size_t end_offset) {
    if (stack_.empty()) {
      report(core::Severity::kWarning, line, "END:" + component + " without a BEGIN ignored");
      return true;
    }
    std::size_t match = stack_.size();
    for (std::size_t i = stack_.size(); i-- > 0;) {
      if (stack_[i].name == component) {
        match = i;
        break;
      }
    }
    if (match == stack_.size()) {
      if (top_) {
        if (!top_->broken) {
          top_->broken = true;
          report(core::Severity::kError, line,
                 "END:" + component + " without a BEGIN; the " + top_->name + " on line " +
                     std::to_string(top_->line) + " is skipped");
        }
      } else {
        report(core::Severity::kWarning, line, "END:" + component + " without a BEGIN ignored");
      }
      return true;
    }
    if (match + 1 < stack_.size()) {
      // Components above the match were never closed.
      const OpenComponent& unclosed = stack_.back();
      if (top_) {
        if (!top_->broken) {
          top_->broken = true;
          report(core::Severity::kError, unclosed.line,
                 "BEGIN:" + unclosed.name + " has no END:" + unclosed.name +
                     " before END:" + component + " on line " + std::to_string(line) + "; the " +
                     top_->name + " on line " + std::to_string(top_->line) + " is skipped");
        }
      }
    }
    stack_.resize(match);
    if (stack_.size() == 1 && top_) {
      close_top(end_offset);
    } else if (stack_.empty()) {
      if (top_) top_.reset();  // reported above as unclosed
      if (in_header_) {
        in_header_ = false;
        header_end_ = current_.offset();
      }
    }
    return true;
  }

  // A new top-level component (or calendar) began while `top_` was still open.
  void drop_top(int line, const std::string& what) {
    if (!top_->broken) {
      report(core::Severity::kError, top_->line,
             "BEGIN:" + top_->name + " has no END:" + top_->name + " before " + what + " on line " +
                 std::to_string(line) + "; skipped");
    }
    top_.reset();
    stack_.resize(1);
  }

  void close_top(std::size_t end_offset) {
    TopLevel top = std::move(*top_);
    top_.reset();
    if (top.broken) return;
    const ComponentSpan span{text_.substr(top.offset, end_offset - top.offset), top.line};
    if (top.name == "VEVENT") {
      layout_.events.push_back(span);
    } else if (top.name == "VTIMEZONE") {
      layout_.timezones.push_back(span);
    } else {
      auto& [count, first_line] = ignored_[top.name];
      if (count++ == 0) first_line = top.line;
    }
  }

  core::Result<IcsLayout> finish() {
    if (!seen_calendar_) return core::Error{"not an iCalendar document: no BEGIN:VCALENDAR"};
    if (top_) {
      if (!top_->broken) {
        report(core::Severity::kError, top_->line,
               "BEGIN:" + top_->name + " has no END:" + top_->name +
                   " before the end of the "
                   "document; skipped");
      }
      top_.reset();
    }
    if (!stack_.empty()) {
      report(core::Severity::kWarning, stack_.front().line, "BEGIN:VCALENDAR has no END:VCALENDAR");
    }
    layout_.complete = stack_.empty();
    if (in_header_) header_end_ = text_.size();
    for (const auto& [name, entry] : ignored_) {
      report(core::Severity::kWarning, entry.second,
             std::to_string(entry.first) + " " + name + " component(s) ignored");
    }
    if (header_end_ > header_begin_) {
      layout_.header = text_.substr(header_begin_, header_end_ - header_begin_);
    }
    return std::move(layout_);
  }

  std::string_view text_;
  const core::IngestLimits& limits_;
  core::Problems& problems_;
  core::Error error_;
  IcsLayout layout_;
  LogicalLine current_;
  std::vector<OpenComponent> stack_;
  std::optional<TopLevel> top_;
  std::map<std::string, std::pair<int, int>> ignored_;  // name -> (count, first line)
  bool seen_calendar_ = false;
  bool warned_outside_ = false;
  bool in_header_ = false;  // between the first BEGIN:VCALENDAR and its first component
  int event_count_ = 0;
  std::size_t header_begin_ = 0;
  std::size_t header_end_ = 0;
};

}  // namespace

core::Result<IcsLayout> prescan_ics(std::string_view text, const core::IngestLimits& limits,
                                    core::Problems& problems) {
  return Prescanner(text, limits, problems).run();
}

}  // namespace concerto::parse
