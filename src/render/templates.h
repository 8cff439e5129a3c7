#pragma once
// The web pages' mustache templates (kainjow): the defaults of config/templates/ are built into
// the binary; a deployment's folder ([site] templates) replaces any of them by file name.

#include <kainjow/mustache.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace concerto::render {

using TemplateData = kainjow::mustache::data;

class Templates {
 public:
  // The built-in templates, each replaced by `override_dir`/<name> when that file exists (an
  // empty dir: built-ins only). Every template is parsed here: a syntax error is reported with
  // the file's path and the parser's message, before any page is served.
  static core::Result<Templates> load(const std::string& override_dir);

  // Renders template `name` ("index.mustache"). Names ending in ".txt.mustache" are plain text:
  // {{value}} is not HTML-escaped there. Fails for an unknown name or a render error.
  core::Result<std::string> render(std::string_view name, const TemplateData& data) const;
  // Makes every template available to `data` as a partial named by its stem: {{> filters}} is
  // filters.mustache.
  void add_partials(TemplateData& data) const;
  // A file served as is (style.css); nullptr when unknown.
  const std::string* file(std::string_view name) const;

 private:
  struct Entry {
    std::string path;  // where it came from, for errors: "built-in" or the override's path
    std::string text;
    std::shared_ptr<kainjow::mustache::mustache> parsed;  // null for files that are not templates
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace concerto::render
