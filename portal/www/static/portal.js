/*
 * Follow-up questions of an application step, shown with the answer that
 * triggers them (progressive enhancement: without JavaScript the server
 * shows them after "Weiter", see portal/www/followups.go).
 *
 * Every question with a condition carries it in data-show-if: references
 * to questions of this step ({"field": id}, {"field": id, "row": true} for
 * a question in the same row of a group) and constants the server decided
 * ({"const": true}). A question shown here is added to the form's list of
 * questions the citizen saw ("gesehen"), so that the server reports its
 * errors; a question hidden again is removed from it.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-followups]");
  if (!form) {
    return;
  }
  var seenInput = form.querySelector('input[name="gesehen"]');
  var fields = Array.prototype.slice.call(form.querySelectorAll(".portal-field[data-show-if]"));
  if (!seenInput || fields.length === 0) {
    return;
  }
  var conds = fields.map(function (el) {
    try {
      return JSON.parse(el.getAttribute("data-show-if"));
    } catch (e) {
      return null;
    }
  });

  function wrapperOf(name) {
    var els = form.querySelectorAll(".portal-field[data-name]");
    for (var i = 0; i < els.length; i++) {
      if (els[i].getAttribute("data-name") === name) {
        return els[i];
      }
    }
    return null;
  }

  // valueOf returns the answer to a question: a string, or the list of
  // ticked options; a hidden question counts as unanswered.
  function valueOf(name) {
    var w = wrapperOf(name);
    if (w && w.hidden) {
      return { s: "", l: [] };
    }
    var out = { s: "", l: [] };
    var inputs = form.elements.namedItem(name);
    if (!inputs) {
      return out;
    }
    var list = inputs.length !== undefined && !inputs.tagName ? inputs : [inputs];
    for (var i = 0; i < list.length; i++) {
      var el = list[i];
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) {
          out.l.push(el.value);
          out.s = el.value;
        }
      } else if (el.value !== undefined) {
        out.s = el.value.trim();
      }
    }
    return out;
  }

  function holds(c, rowPrefix) {
    if (!c) {
      return true;
    }
    if (c.all) {
      return c.all.every(function (x) { return holds(x, rowPrefix); });
    }
    if (c.any) {
      return c.any.some(function (x) { return holds(x, rowPrefix); });
    }
    if (c.not) {
      return !holds(c.not, rowPrefix);
    }
    if (c.const !== undefined) {
      return c.const;
    }
    var v = valueOf(c.row ? rowPrefix + c.field : c.field);
    if (c.filled !== undefined) {
      return (v.s !== "" || v.l.length > 0) === c.filled;
    }
    if (c.equals !== undefined) {
      return v.s === c.equals;
    }
    if (c["in"]) {
      return v.s !== "" && c["in"].indexOf(v.s) >= 0;
    }
    if (c.contains !== undefined) {
      return v.l.indexOf(c.contains) >= 0;
    }
    return false;
  }

  function update() {
    var seen = seenInput.value.split(/\s+/).filter(Boolean);
    // Twice: a question may depend on one that appears in the first pass.
    for (var pass = 0; pass < 2; pass++) {
      fields.forEach(function (el, i) {
        var name = el.getAttribute("data-name");
        var prefix = name.lastIndexOf(".") > 0 ? name.slice(0, name.lastIndexOf(".") + 1) : "";
        var show = holds(conds[i], prefix);
        el.hidden = !show;
        var at = seen.indexOf(name);
        if (show && at < 0) {
          seen.push(name);
        } else if (!show && at >= 0) {
          seen.splice(at, 1);
        }
      });
    }
    seenInput.value = seen.join(" ");
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
