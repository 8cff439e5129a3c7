#include "render/templates.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace concerto::render {

// From the generated embedded_templates.cpp (cmake/embed_files.cmake).
extern const std::pair<std::string_view, std::string_view> kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

namespace {

constexpr std::string_view kTemplateSuffix = ".mustache";
constexpr std::string_view kTextSuffix = ".txt.mustache";
constexpr std::uintmax_t kMaxTemplateBytes = 1 << 20;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

core::Result<Templates> Templates::load(const std::string& override_dir) {
  Templates templates;
  for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
    const auto& [name, text] = kEmbeddedFiles[i];
    templates.entries_[std::string(name)] =
        Entry{"built-in " + std::string(name), std::string(text), {}};
  }
  if (!override_dir.empty()) {
    std::error_code error;
    if (!std::filesystem::is_directory(override_dir, error)) {
      return core::Error{"site.templates = \"" + override_dir + "\": not a folder"};
    }
    for (auto& [name, entry] : templates.entries_) {
      const std::filesystem::path path = std::filesystem::path(override_dir) / name;
      if (!std::filesystem::is_regular_file(path, error)) continue;
      if (std::filesystem::file_size(path, error) > kMaxTemplateBytes) {
        return core::Error{path.string() + ": larger than 1 MiB"};
      }
      std::ifstream in(path, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      if (!in) return core::Error{path.string() + ": cannot be read"};
      entry = Entry{path.string(), text.str(), {}};
    }
  }
  for (auto& [name, entry] : templates.entries_) {
    if (!ends_with(name, kTemplateSuffix)) continue;
    entry.parsed = std::make_shared<kainjow::mustache::mustache>(entry.text);
    if (!entry.parsed->is_valid()) {
      return core::Error{entry.path + ": " + entry.parsed->error_message()};
    }
    if (ends_with(name, kTextSuffix)) {
      entry.parsed->set_custom_escape([](const std::string& text) { return text; });
    }
  }
  return templates;
}

core::Result<std::string> Templates::render(std::string_view name, const TemplateData& data) const {
  const auto found = entries_.find(name);
  if (found == entries_.end() || !found->second.parsed) {
    return core::Error{"no template " + std::string(name)};
  }
  // mustache objects keep their last error: render a copy so that threads never share one.
  kainjow::mustache::mustache copy = *found->second.parsed;
  std::string out = copy.render(data);
  if (!copy.error_message().empty()) {
    return core::Error{found->second.path + ": " + copy.error_message()};
  }
  return out;
}

void Templates::add_partials(TemplateData& data) const {
  for (const auto& [name, entry] : entries_) {
    if (!entry.parsed || ends_with(name, kTextSuffix)) continue;
    const std::string* text = &entry.text;  // entries_ outlives every render
    data.set(name.substr(0, name.size() - kTemplateSuffix.size()),
             kainjow::mustache::partial([text] { return *text; }));
  }
}

const std::string* Templates::file(std::string_view name) const {
  const auto found = entries_.find(name);
  return found == entries_.end() ? nullptr : &found->second.text;
}

}  // namespace concerto::render
