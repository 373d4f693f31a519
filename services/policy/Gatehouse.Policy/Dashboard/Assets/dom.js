// Building DOM from data: text only ever goes in as text nodes (no innerHTML), attributes through setAttribute.
"use strict";
(() => {
  const SVG = "http://www.w3.org/2000/svg";

  function append(node, children) {
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function setAttributes(node, attributes) {
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (/^on/i.test(name)) throw new Error("event handler attributes are not set from data");
      node.setAttribute(name, value === true ? "" : String(value));
    }
    return node;
  }

  /** An HTML element: h("td", { class: "x" }, "text", child...). */
  function h(tag, attributes, ...children) {
    return append(setAttributes(document.createElement(tag), attributes), children);
  }

  /** An SVG element. */
  function s(tag, attributes, ...children) {
    return append(setAttributes(document.createElementNS(SVG, tag), attributes), children);
  }

  /** A link only to http(s) addresses; anything else stays plain text. */
  function link(url, text, attributes) {
    if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return document.createTextNode(text);
    return h("a", Object.assign({ href: url, target: "_blank", rel: "noopener noreferrer" }, attributes), text);
  }

  function time(value) {
    if (!value) return "—";
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return String(value);
    return date.toISOString().replace("T", " ").replace(/:\d\d\.\d+Z$|:\d\dZ$/, " UTC");
  }

  function shortDigest(digest) {
    const colon = String(digest).indexOf(":");
    return colon < 0 ? String(digest) : digest.slice(0, colon + 1) + digest.slice(colon + 1, colon + 13);
  }

  class ApiError extends Error {}

  /** GET JSON from the API; a 401 sends the browser to the login page, any other failure throws with the problem's detail. */
  async function api(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.status === 401) {
      window.location.assign("/dashboard/login");
      throw new ApiError("signed out");
    }
    if (!response.ok) {
      let reason = response.status + " " + response.statusText;
      try {
        const problem = await response.json();
        if (problem && typeof problem.detail === "string") reason = problem.detail;
      } catch {
        // keep the status line
      }
      throw new ApiError(reason);
    }
    return response.json();
  }

  function show(node, text) {
    node.textContent = text || "";
    node.hidden = !text;
  }

  window.gh = { h, s, link, time, shortDigest, api, show, ApiError };
})();
