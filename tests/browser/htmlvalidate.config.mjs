// html-validate configurations of browser_test.mjs (https://html-validate.org/usage/).

// Full pages (/, /month/…, /events/…, /embed/widget, /subscribe): the recommended preset, which
// keeps every structure, content-model and accessibility (wcag/*, aria-*, text-content, …) rule.
export const page = {
  root: true,
  elements: ["html5"],
  extends: ["html-validate:recommended"],
  rules: {
    // A served page must be a standards-mode document, not quirks mode.
    "missing-doctype": "error",
    // Stylistic only, invisible in the rendered page: the mustache templates' indentation and
    // standalone section tags leave spaces at the end of generated lines.
    "no-trailing-whitespace": "off",
  },
};

// /embed/upcoming: an HTML fragment pasted into e-mails (layout tables with inline styles, as
// mail clients ignore <style> and external style sheets), so no doctype and inline styles allowed.
export const fragment = {
  ...page,
  rules: {
    ...page.rules,
    "missing-doctype": "off",
    "no-inline-style": "off",
  },
};
