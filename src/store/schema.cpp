#include "store/schema.h"

#include <array>
#include <charconv>
#include <cstdint>

namespace concerto::store::schema {
namespace {

// Reads the text as a sequence of signed integers and fixed separators. Negative or out-of-range
// fields survive: every integer is read with from_chars, every separator is matched exactly.
class FieldReader {
 public:
  explicit FieldReader(std::string_view text) : text_(text) {}

  template <class Int>
  bool number(Int& out) {
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    auto [next, ec] = std::from_chars(begin, end, out);
    if (ec != std::errc() || next == begin) return false;
    pos_ += static_cast<std::size_t>(next - begin);
    return true;
  }
  bool separator(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  std::string_view rest() const { return text_.substr(pos_); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Like printf's "%0*d": at least `width` characters, zero-padded after any sign.
void append_padded(std::string& out, int value, int width) {
  std::array<char, 16> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  std::string_view digits(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  if (value < 0) {
    out += '-';
    digits.remove_prefix(1);
    --width;
  }
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out += '0';
  out += digits;
}

void append_date(std::string& out, const core::Date& date) {
  append_padded(out, date.year, 4);
  out += '-';
  append_padded(out, date.month, 2);
  out += '-';
  append_padded(out, date.day, 2);
}

void append_local(std::string& out, const core::LocalDateTime& local) {
  append_date(out, local.date);
  out += 'T';
  append_padded(out, local.hour, 2);
  out += ':';
  append_padded(out, local.minute, 2);
  out += ':';
  append_padded(out, local.second, 2);
}

bool read_date(FieldReader& reader, core::Date& date) {
  return reader.number(date.year) && reader.separator('-') && reader.number(date.month) &&
         reader.separator('-') && reader.number(date.day);
}

bool read_local(FieldReader& reader, core::LocalDateTime& local) {
  return read_date(reader, local.date) && reader.separator('T') && reader.number(local.hour) &&
         reader.separator(':') && reader.number(local.minute) && reader.separator(':') &&
         reader.number(local.second);
}

}  // namespace

std::string encode_time(const core::EventTime& time) {
  std::string out;
  out.reserve(48 + time.tzid.size());
  out += time.all_day ? 'A' : 'T';
  out += ' ';
  append_date(out, time.date);
  out += ' ';
  append_local(out, time.local);
  out += ' ';
  out += std::to_string(time.utc);
  out += ' ';
  out += time.tzid;
  return out;
}

std::optional<core::EventTime> decode_time(std::string_view text) {
  if (text.size() < 2 || (text[0] != 'A' && text[0] != 'T') || text[1] != ' ') return std::nullopt;
  core::EventTime time;
  time.all_day = text[0] == 'A';
  FieldReader reader(text.substr(2));
  if (!read_date(reader, time.date) || !reader.separator(' ') || !read_local(reader, time.local) ||
      !reader.separator(' ') || !reader.number(time.utc) || !reader.separator(' ')) {
    return std::nullopt;
  }
  time.tzid = std::string(reader.rest());
  return time;
}

std::string encode_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    for (char c : item) {
      if (c == '\\' || c == ';') out += '\\';
      out += c;
    }
    out += ';';
  }
  return out;
}

std::optional<std::vector<std::string>> decode_list(std::string_view text) {
  std::vector<std::string> items;
  std::string item;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (++i == text.size()) return std::nullopt;
      item += text[i];
    } else if (c == ';') {
      items.push_back(std::move(item));
      item.clear();
    } else {
      item += c;
    }
  }
  if (!item.empty()) return std::nullopt;  // the last item lacks its terminator
  return items;
}

std::string encode_times(const std::vector<core::EventTime>& times) {
  std::vector<std::string> items;
  items.reserve(times.size());
  for (const core::EventTime& time : times) items.push_back(encode_time(time));
  return encode_list(items);
}

std::optional<std::vector<core::EventTime>> decode_times(std::string_view text) {
  auto items = decode_list(text);
  if (!items) return std::nullopt;
  std::vector<core::EventTime> times;
  times.reserve(items->size());
  for (const std::string& item : *items) {
    auto time = decode_time(item);
    if (!time) return std::nullopt;
    times.push_back(std::move(*time));
  }
  return times;
}

}  // namespace concerto::store::schema
