/* DUO for a JOB: the subgroup explorer of the web book.
 *
 * Plain JavaScript, no library, nothing from another host. The page holds
 *   <div id="duo-explorer" data-lang="nl" data-cube="_static/explore-nl.json"></div>
 * and this script fills it from the cube written by the book build
 * (duoreport/explorer/cube.py, split by duoreport/publish/webbook.py into an index and one
 * part per measure, fetched when a reader picks the measure): views that
 * duoreport.explorer.explore() computed and suppressed beforehand. The script never computes a count; it only draws the published
 * ones. A suppressed cell (null in the cube) is drawn as a hatched empty slot with the
 * suppression label, never as zero.
 *
 * The view is kept in the address: #measure=outcome_18m&split=gender&filter=antenna:brussels
 *
 * The book lists this file in html_js_files (_config.yml); duoreport/publish/sphinx_webbook.py
 * keeps it on the Explore page only. The chart is drawn at the width of the page (text at its
 * real size on a phone) and drawn again when that width changes.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  // Okabe & Ito, the members with >= 3:1 against white, as the book's charts (duoreport/report/plots.py)
  var PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000"];
  var HATCH = "#6E6E6E";
  var uid = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAll(node, attrs);
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    setAll(node, attrs);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setAll(node, attrs) {
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) return;
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k] === true ? "" : String(attrs[k]));
    });
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : m;
    });
  }

  // --- numbers, as duoreport.i18n writes them (values arrive rounded) -----------------

  function numbers(nf) {
    function number(x, decimals) {
      var text = Math.abs(x).toFixed(decimals);
      var parts = text.split(".");
      var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, nf.thousands);
      var out = (x < 0 && Number(text) !== 0 ? "-" : "") + whole;
      return parts.length > 1 ? out + nf.decimal + parts[1] : out;
    }
    return {
      count: function (n) { return number(n, 0); },
      share: function (x) { return number(x, 1) + nf.percent; },
      interval: function (lo, hi) { return number(lo, 1) + "\u2013" + number(hi, 1) + nf.percent; }
    };
  }

  // --- the selection and the address --------------------------------------------------

  function viewKey(s) {
    return [s.measure, s.split || "", s.fdim || "", s.fdim ? s.fval : ""].join("|");
  }

  function toHash(s) {
    var parts = ["measure=" + encodeURIComponent(s.measure)];
    if (s.split) parts.push("split=" + encodeURIComponent(s.split));
    if (s.fdim) parts.push("filter=" + encodeURIComponent(s.fdim) + ":" + encodeURIComponent(s.fval));
    return parts.join("&");
  }

  function parseHash(hash) {
    var out = {};
    hash.replace(/^#/, "").split("&").forEach(function (part) {
      var i = part.indexOf("=");
      if (i > 0) {
        try {
          out[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1));
        } catch (e) { /* a malformed part is ignored */ }
      }
    });
    return out;
  }

  function Explorer(root, cube, source) {
    this.root = root;
    this.cube = cube;
    this.source = source;  // the address of the index: the parts' paths are relative to it
    if (!cube.views) cube.views = {};
    this.loaded = {};
    this.ui = cube.ui;
    this.fmt = numbers(cube.number_format);
    this.measures = {};
    this.dims = {};
    var self = this;
    cube.measures.forEach(function (m) { self.measures[m.id] = m; });
    cube.dimensions.forEach(function (d) { self.dims[d.id] = d; });
    this.id = "duo-explorer-" + (++uid);
  }

  Explorer.prototype.valueLabel = function (dim, code) {
    var values = this.dims[dim].values;
    for (var i = 0; i < values.length; i++) if (values[i][0] === code) return values[i][1];
    return code;
  };

  // a selection from the address, corrected to a view that the cube holds
  Explorer.prototype.stateFromHash = function (hash) {
    var p = parseHash(hash || "");
    var s = { measure: this.cube.measures[0].id, split: "", fdim: "", fval: "" };
    if (p.measure && this.measures[p.measure]) s.measure = p.measure;
    if (p.split && this.dims[p.split]) s.split = p.split;
    if (p.filter) {
      var i = p.filter.indexOf(":");
      var dim = i > 0 ? p.filter.slice(0, i) : p.filter;
      var value = i > 0 ? p.filter.slice(i + 1) : "";
      var d = this.dims[dim];
      if (d && d.filter && dim !== s.split) {
        s.fdim = dim;
        var codes = d.values.map(function (v) { return v[0]; });
        s.fval = codes.indexOf(value) >= 0 ? value : codes[0];
      }
    }
    return s;
  };

  // --- the controls -----------------------------------------------------------------

  Explorer.prototype.select = function (name, label, options) {
    var id = this.id + "-" + name;
    var sel = el("select", { id: id, name: name });
    options.forEach(function (o) { sel.appendChild(el("option", { value: o[0], text: o[1] })); });
    var wrap = el("div", { "class": "duo-explorer-control" }, [el("label", { "for": id, text: label }), sel]);
    return { wrap: wrap, select: sel };
  };

  Explorer.prototype.build = function () {
    var ui = this.ui, self = this, cube = this.cube;
    this.root.textContent = "";
    this.root.classList.add("duo-explorer-app");
    var measure = this.select("measure", ui.measure, cube.measures.map(function (m) { return [m.id, m.label]; }));
    var split = this.select("split", ui.split, [["", ui.none]].concat(
      cube.dimensions.map(function (d) { return [d.id, d.label]; })));
    var fdim = this.select("filter", ui.filter, [["", ui.no_filter]].concat(
      cube.dimensions.filter(function (d) { return d.filter; }).map(function (d) { return [d.id, d.label]; })));
    var fval = this.select("value", ui.filter_value, []);
    this.controls = { measure: measure.select, split: split.select, fdim: fdim.select, fval: fval.select };
    var form = el("form", { "class": "duo-explorer-controls", "aria-controls": this.id + "-figure" },
                  [measure.wrap, split.wrap, fdim.wrap, fval.wrap]);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    measure.select.addEventListener("change", function () { self.fromControls(); });
    split.select.addEventListener("change", function () { self.fromControls(); });
    fdim.select.addEventListener("change", function () { self.fromControls(true); });
    fval.select.addEventListener("change", function () { self.fromControls(); });

    this.figure = el("figure", { "class": "duo-explorer-figure", id: this.id + "-figure" });
    this.tableWrap = el("div", { "class": "duo-explorer-table-wrap" });
    this.info = el("div", { "class": "duo-explorer-info" });

    var linkId = this.id + "-link";
    this.linkInput = el("input", { type: "text", id: linkId, readonly: true, "class": "duo-explorer-link" });
    this.linkInput.addEventListener("focus", function () { this.select(); });
    this.status = el("span", { "class": "duo-explorer-status", role: "status", "aria-live": "polite" });
    var copy = el("button", { type: "button", "class": "duo-explorer-copy", text: ui.copy_link });
    copy.addEventListener("click", function () { self.copyLink(); });
    var download = el("button", { type: "button", "class": "duo-explorer-download", text: ui.download_csv });
    download.addEventListener("click", function () { self.downloadCsv(); });
    var actions = el("div", { "class": "duo-explorer-actions" }, [
      el("label", { "for": linkId, text: ui.permalink }), this.linkInput, copy, download, this.status]);

    [form, this.figure, this.info, this.tableWrap, actions].forEach(function (n) { self.root.appendChild(n); });
    window.addEventListener("hashchange", function () { self.show(self.stateFromHash(location.hash), false); });
    var resizing = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizing);
      resizing = setTimeout(function () {
        var w = Math.floor(self.figure.clientWidth || 0);
        if (self.view && self.view.view && w && Math.abs(w - (self.drawnWidth || 0)) > 24) self.render();
      }, 150);
    });
    this.show(this.stateFromHash(location.hash), true);
  };

  Explorer.prototype.fromControls = function (filterChanged) {
    var c = this.controls;
    var s = { measure: c.measure.value, split: c.split.value, fdim: c.fdim.value, fval: c.fval.value };
    if (s.fdim && s.fdim === s.split) s.fdim = "";  // no filter on the split dimension
    if (s.fdim) {
      var codes = this.dims[s.fdim].values.map(function (v) { return v[0]; });
      if (filterChanged || codes.indexOf(s.fval) < 0) s.fval = codes[0];
    } else {
      s.fval = "";
    }
    this.show(s, true);
  };

  Explorer.prototype.syncControls = function (s) {
    var c = this.controls, self = this;
    c.measure.value = s.measure;
    c.split.value = s.split;
    Array.prototype.forEach.call(c.fdim.options, function (o) { o.disabled = !!o.value && o.value === s.split; });
    c.fdim.value = s.fdim;
    c.fval.textContent = "";
    if (s.fdim) {
      this.dims[s.fdim].values.forEach(function (v) { c.fval.appendChild(el("option", { value: v[0], text: v[1] })); });
      c.fval.value = s.fval;
      c.fval.disabled = false;
    } else {
      c.fval.appendChild(el("option", { value: "", text: self.ui.everyone }));
      c.fval.disabled = true;
    }
  };

  // the views of one measure: in the index (an older cube) or in the measure's part, fetched once
  Explorer.prototype.load = function (measure) {
    var self = this, parts = this.cube.parts;
    if (!parts || !parts[measure] || this.loaded[measure]) return Promise.resolve();
    if (!this.pending) this.pending = {};
    if (!this.pending[measure]) {
      this.root.setAttribute("aria-busy", "true");
      this.pending[measure] = fetch(new URL(parts[measure], this.source).href, { credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.json();
        })
        .then(function (part) {
          Object.keys(part.views).forEach(function (k) { self.cube.views[k] = part.views[k]; });
          self.loaded[measure] = true;
          self.root.removeAttribute("aria-busy");
        });
    }
    return this.pending[measure];
  };

  Explorer.prototype.show = function (s, writeAddress) {
    var self = this;
    this.state = s;
    this.syncControls(s);
    this.load(s.measure).then(function () {
      if (self.state === s) self.showLoaded(s, writeAddress);
    }, function () {
      self.root.removeAttribute("aria-busy");
      self.status.textContent = self.root.getAttribute("data-error") || "";
    });
  };

  Explorer.prototype.showLoaded = function (s, writeAddress) {
    this.state = s;
    this.syncControls(s);
    if (writeAddress) {
      var hash = "#" + toHash(s);
      if (location.hash !== hash) history.replaceState(null, "", hash);
    }
    this.linkInput.value = location.href.split("#")[0] + "#" + toHash(s);
    this.status.textContent = "";
    this.render();
  };

  // --- the view ---------------------------------------------------------------------

  Explorer.prototype.current = function () {
    var s = this.state, cube = this.cube, self = this;
    var view = cube.views[viewKey(s)];
    var measure = this.measures[s.measure];
    var groups = s.split ? this.dims[s.split].values : [["", this.ui.everyone]];
    var population = s.fdim ? this.dims[s.fdim].label + ": " + this.valueLabel(s.fdim, s.fval) : this.ui.everyone;
    var label = s.split
      ? fill(this.ui.figure_label_split, { measure: measure.label, split: this.dims[s.split].label, population: population })
      : fill(this.ui.figure_label, { measure: measure.label, population: population });
    var rows = [];
    if (view) {
      groups.forEach(function (g, gi) {
        measure.categories.forEach(function (c, ci) {
          rows.push({ group: g, category: c, n: view.n[gi][ci], share: view.p[gi][ci], lo: view.lo[gi][ci],
                      hi: view.hi[gi][ci], base: view.g[gi], gi: gi, ci: ci });
        });
      });
    }
    return { state: s, view: view, measure: measure, groups: groups, rows: rows, label: label,
             population: population, title: measure.label + (s.split ? " \u00d7 " + self.dims[s.split].label : "") +
             " \u2014 " + population };
  };

  Explorer.prototype.render = function () {
    var v = this.current(), ui = this.ui, fmt = this.fmt, self = this;
    this.view = v;
    this.figure.textContent = "";
    this.tableWrap.textContent = "";
    this.info.textContent = "";
    this.figure.setAttribute("aria-label", v.label);
    if (!v.view) {
      this.figure.appendChild(el("p", { text: ui.no_view }));
      return;
    }
    this.figure.appendChild(this.chart(v));
    var caption = el("figcaption", {}, [el("strong", { text: v.title })]);
    if (v.state.split) {
      var legend = el("ul", { "class": "duo-explorer-legend", "aria-label": ui.legend });
      v.measure.categories.forEach(function (c, ci) {
        legend.appendChild(el("li", {}, [el("span", { "class": "duo-explorer-swatch", "aria-hidden": "true",
                                                       style: "background:" + PALETTE[ci % PALETTE.length] }), c[1]]));
      });
      caption.appendChild(legend);
    }
    this.figure.appendChild(caption);

    var hidden = v.view.b === null || v.rows.some(function (r) { return r.n === null; });
    var lines = [
      ui.population + ": " + v.population + " \u2014 " + ui.base_n + ": " +
        (v.view.b === null ? ui.suppressed : fmt.count(v.view.b)),
      this.cube.synthetic ? ui.source_synthetic : ui.source_duo
    ];
    lines.forEach(function (t) { self.info.appendChild(el("p", { text: t })); });
    if (v.view.t) this.info.appendChild(el("p", { "class": "duo-explorer-test", text: v.view.t }));
    if (hidden) this.info.appendChild(el("p", { "class": "duo-explorer-note", text: ui.suppressed_note }));
    this.tableWrap.appendChild(this.table(v));
  };

  Explorer.prototype.chart = function (v) {
    var ui = this.ui, fmt = this.fmt, percent = this.cube.number_format.percent;
    var split = !!v.state.split;
    var cats = v.measure.categories.length;
    // drawn at the figure's width in CSS pixels, so that the text keeps its size on a phone
    var W = Math.max(280, Math.min(720, Math.floor(this.figure.clientWidth || 720)));
    var labelW = Math.round(Math.min(250, W * 0.38)), right = W < 480 ? 52 : 64, top = 8;
    var barH = split ? 16 : 18, gap = 10;
    var lineH = 14, maxChars = Math.max(12, Math.floor(labelW / 7.2));
    var maxLines = split ? Math.max(1, Math.min(3, Math.floor(cats * barH / lineH))) : 2;
    var plotW = W - labelW - right;
    var groups = v.groups.length;
    var band = split ? cats * barH + gap : barH + gap;
    var rowsN = split ? groups : cats;
    var H = top + rowsN * band + 28;
    var x = function (pct) { return labelW + plotW * Math.max(0, Math.min(100, pct)) / 100; };
    this.drawnWidth = W;
    var svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img",
                             "aria-label": v.label, "class": "duo-explorer-svg", preserveAspectRatio: "xMinYMin meet" });
    svg.appendChild(svgEl("title", {}, v.label));
    var patternId = "duo-hatch-" + uid;
    var defs = svgEl("defs");
    var pattern = svgEl("pattern", { id: patternId, patternUnits: "userSpaceOnUse", width: 6, height: 6,
                                     patternTransform: "rotate(45)" });
    pattern.appendChild(svgEl("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: HATCH, "stroke-width": 2 }));
    defs.appendChild(pattern);
    svg.appendChild(defs);
    // grid and axis
    [0, 25, 50, 75, 100].forEach(function (t) {
      svg.appendChild(svgEl("line", { x1: x(t), x2: x(t), y1: top - 4, y2: H - 22, stroke: "#dddddd" }));
      svg.appendChild(svgEl("text", { x: x(t), y: H - 8, "text-anchor": "middle", "class": "duo-axis" },
                            fmt.count(t) + percent));
    });
    v.rows.forEach(function (r) {
      var y = split ? top + r.gi * band + r.ci * barH : top + r.ci * band;
      var colour = split ? PALETTE[r.ci % PALETTE.length] : PALETTE[0];
      var mark = svgEl("g", { "class": r.n === null ? "duo-bar duo-suppressed" : "duo-bar",
                              "data-group": r.group[0], "data-category": r.category[0] });
      var name = (split ? r.group[1] + ", " : "") + r.category[1];
      if (r.n === null) {
        mark.appendChild(svgEl("rect", { x: labelW, y: y + 1, width: plotW * 0.03, height: barH - 2,
                                         fill: "url(#" + patternId + ")", stroke: HATCH }));
        mark.appendChild(svgEl("text", { x: labelW + plotW * 0.03 + 5, y: y + barH / 2 + 4, "class": "duo-value" },
                               ui.suppressed));
        mark.appendChild(svgEl("title", {}, name + ": " + ui.suppressed));
      } else {
        mark.appendChild(svgEl("rect", { x: labelW, y: y + 1, width: Math.max(0, x(r.share) - labelW),
                                         height: barH - 2, fill: colour }));
        var cy = y + barH / 2;
        if (r.lo !== null && r.hi !== null) {
          mark.appendChild(svgEl("line", { x1: x(r.lo), x2: x(r.hi), y1: cy, y2: cy, stroke: "#333333",
                                           "stroke-width": 1.2, "class": "duo-whisker" }));
          [r.lo, r.hi].forEach(function (b) {
            mark.appendChild(svgEl("line", { x1: x(b), x2: x(b), y1: cy - 3, y2: cy + 3, stroke: "#333333",
                                             "stroke-width": 1.2 }));
          });
        }
        var end = Math.max(x(r.share), r.hi === null ? 0 : x(r.hi));
        mark.appendChild(svgEl("text", { x: end + 4, y: cy + 4, "class": "duo-value" }, fmt.share(r.share)));
        mark.appendChild(svgEl("title", {}, name + ": " + fmt.share(r.share) + " (" + ui.ci95 + " " +
                                          fmt.interval(r.lo, r.hi) + "; n = " + fmt.count(r.n) + ")"));
      }
      svg.appendChild(mark);
      if (!split || r.ci === 0) {  // the row's label: a category, or a group for its whole band
        var label = split ? r.group[1] : r.category[1];
        var centre = split ? top + r.gi * band + (cats * barH) / 2 : y + barH / 2;
        var lines = wrapLines(label, maxChars, maxLines);
        var text = svgEl("text", { x: labelW - 8, y: centre - (lines.length - 1) * lineH / 2 + 4,
                                   "text-anchor": "end", "class": "duo-label" });
        lines.forEach(function (line, i) {
          text.appendChild(svgEl("tspan", { x: labelW - 8, dy: i === 0 ? 0 : lineH }, line));
        });
        if (lines.join(" ") !== label) text.appendChild(svgEl("title", {}, label));
        svg.appendChild(text);
      }
    });
    svg.appendChild(svgEl("line", { x1: labelW, x2: labelW, y1: top - 4, y2: H - 22, stroke: "#888888" }));
    return svg;
  };

  // a label on at most `lines` lines of about `max` characters, cut with an ellipsis
  function wrapLines(text, max, lines) {
    var out = [], current = "";
    String(text).split(/\s+/).forEach(function (word) {
      if (!current) current = word;
      else if ((current + " " + word).length <= max) current += " " + word;
      else { out.push(current); current = word; }
    });
    if (current) out.push(current);
    var cut = out.length > lines;
    out = out.slice(0, lines).map(function (line) { return line.length > max ? line.slice(0, max - 1) + "\u2026" : line; });
    if (cut && out[lines - 1].slice(-1) !== "\u2026") {
      var last = out[lines - 1];
      out[lines - 1] = (last.length >= max ? last.slice(0, max - 1) : last) + "\u2026";
    }
    return out;
  }

  Explorer.prototype.table = function (v) {
    var ui = this.ui, fmt = this.fmt, split = !!v.state.split;
    var head = (split ? [this.dims[v.state.split].label] : []).concat([ui.category, ui.share, ui.ci95, "n", ui.base_n]);
    var table = el("table", { "class": "duo-table duo-explorer-table" }, [
      el("caption", { text: ui.table_caption + ": " + v.title }),
      el("thead", {}, [el("tr", {}, head.map(function (h) { return el("th", { scope: "col", text: h }); }))])
    ]);
    var body = el("tbody");
    v.rows.forEach(function (r) {
      var cells = (split ? [r.group[1]] : []).concat([
        r.category[1],
        r.n === null ? ui.suppressed : fmt.share(r.share),
        r.n === null || r.lo === null ? "" : fmt.interval(r.lo, r.hi),
        r.n === null ? ui.suppressed : fmt.count(r.n),
        r.base === null ? ui.suppressed : fmt.count(r.base)
      ]);
      var tr = el("tr", { "class": r.n === null ? "duo-suppressed" : null });
      var textCells = split ? 2 : 1;  // group and category are text, the rest are numbers
      cells.forEach(function (c, i) {
        tr.appendChild(i === 0 ? el("th", { scope: "row", text: c })
                               : el("td", { "class": i < textCells ? null : "duo-num", text: c }));
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    return table;
  };

  // --- exports ----------------------------------------------------------------------

  function csvCell(value) {
    if (value === null || value === undefined) return "";
    var text = String(value);
    return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  Explorer.prototype.csv = function () {
    var v = this.view, s = v.state;
    var head = ["measure"];
    if (s.fdim) head.push(s.fdim);
    if (s.split) head.push(s.split, s.split + "_label");
    head = head.concat(["category", "category_label", "n", "base_n", "share", "ci_low", "ci_high", "suppressed"]);
    var lines = [head.map(csvCell).join(",")];
    v.rows.forEach(function (r) {
      var row = [s.measure];
      if (s.fdim) row.push(s.fval);
      if (s.split) row.push(r.group[0], r.group[1]);
      row = row.concat([r.category[0], r.category[1], r.n, r.base, r.share, r.lo, r.hi, r.n === null ? "True" : "False"]);
      lines.push(row.map(csvCell).join(","));
    });
    return lines.join("\n") + "\n";
  };

  Explorer.prototype.filename = function () {
    var s = this.state;
    var parts = ["explore", this.cube.lang, s.measure];
    if (s.split) parts.push(s.split);
    if (s.fdim) parts.push(s.fdim, s.fval);
    return parts.join("-").replace(/[^A-Za-z0-9_.-]/g, "_") + ".csv";
  };

  Explorer.prototype.downloadCsv = function () {
    if (!this.view || !this.view.view) return;
    var blob = new Blob([this.csv()], { type: "text/csv;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var a = el("a", { href: url, download: this.filename(), style: "display:none" });
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  };

  Explorer.prototype.copyLink = function () {
    var self = this, input = this.linkInput;
    function done() { self.status.textContent = self.ui.link_copied; }
    function fallback() {
      input.focus();
      input.select();
      try {
        if (document.execCommand("copy")) done();
      } catch (e) { /* the link stays selected for the reader to copy */ }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, fallback);
    } else {
      fallback();
    }
  };

  // --- start ------------------------------------------------------------------------

  function start(root) {
    if (root.getAttribute("data-started")) return;  // the script is loaded on every page, once
    root.setAttribute("data-started", "true");
    var ui = { loading: root.getAttribute("data-loading") || "\u2026" };
    root.setAttribute("aria-busy", "true");
    root.textContent = ui.loading;
    var source = new URL(root.getAttribute("data-cube"), document.baseURI).href;
    fetch(source, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (cube) {
        root.removeAttribute("aria-busy");
        new Explorer(root, cube, source).build();
      })
      .catch(function () {
        root.removeAttribute("aria-busy");
        root.textContent = root.getAttribute("data-error") || "";
        root.classList.add("duo-explorer-error");
      });
  }

  function init() {
    var roots = document.querySelectorAll("[data-cube]#duo-explorer, .duo-explorer[data-cube]");
    Array.prototype.forEach.call(roots, start);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
