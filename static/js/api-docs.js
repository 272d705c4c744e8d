// The API reference at /api/docs/: loads the OpenAPI schema and renders it as plain, navigable
// HTML (headings per tag, one section per operation). No dependencies, no inline script.
(function () {
  "use strict";
  var root = document.getElementById("api-reference");
  if (!root) return;
  var text = function (key) { return root.getAttribute("data-" + key) || key; };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function refName(schema) {
    if (!schema) return "";
    if (schema.$ref) return schema.$ref.split("/").pop();
    if (schema.type === "array" && schema.items) return "[" + refName(schema.items) + "]";
    return schema.type || "";
  }

  function schemaBlock(spec, schema) {
    var name = refName(schema);
    var resolved = schema && schema.$ref ? spec.components.schemas[name] : schema;
    var block = el("div", { "class": "api-schema" }, [el("code", {}, [name])]);
    if (resolved && resolved.properties) {
      var required = resolved.required || [];
      var list = el("ul", {});
      Object.keys(resolved.properties).forEach(function (prop) {
        var p = resolved.properties[prop];
        var label = prop + ": " + (refName(p) || (p.allOf ? refName(p.allOf[0]) : "")) +
          (required.indexOf(prop) >= 0 ? " (" + text("required") + ")" : "");
        var item = el("li", {}, [el("code", {}, [label])]);
        if (p.description) item.appendChild(el("span", {}, [" — " + p.description]));
        list.appendChild(item);
      });
      block.appendChild(list);
    }
    return block;
  }

  function operation(spec, path, method, op, index) {
    var id = "op-" + index;
    var section = el("section", { "class": "api-operation", id: id }, [
      el("h3", {}, [el("span", { "class": "api-method api-" + method }, [method.toUpperCase()]), " ",
        el("code", {}, [path])]),
    ]);
    if (op.summary) section.appendChild(el("p", {}, [op.summary]));
    if (op.description) section.appendChild(el("p", { "class": "api-description" }, [op.description]));
    if (op.parameters && op.parameters.length) {
      var params = el("ul", {});
      op.parameters.forEach(function (p) {
        params.appendChild(el("li", {}, [el("code", {}, [p.name]), " (" + p["in"] + ")" +
          (p.required ? " " + text("required") : "") + (p.description ? " — " + p.description : "")]));
      });
      section.appendChild(el("h4", {}, [text("parameters")]));
      section.appendChild(params);
    }
    if (op.requestBody && op.requestBody.content) {
      section.appendChild(el("h4", {}, [text("request")]));
      Object.keys(op.requestBody.content).forEach(function (type) {
        section.appendChild(el("p", {}, [el("code", {}, [type])]));
        section.appendChild(schemaBlock(spec, op.requestBody.content[type].schema));
      });
    }
    section.appendChild(el("h4", {}, [text("responses")]));
    var responses = el("ul", {});
    Object.keys(op.responses || {}).forEach(function (code) {
      var r = op.responses[code];
      var content = r.content ? Object.keys(r.content)[0] : "";
      var schema = content ? refName(r.content[content].schema) : "";
      responses.appendChild(el("li", {}, [el("code", {}, [code]), " " + (r.description || "") +
        (schema ? " (" + schema + ")" : "")]));
    });
    section.appendChild(responses);
    return section;
  }

  function render(spec) {
    root.textContent = "";
    var byTag = {};
    Object.keys(spec.paths).forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        var op = spec.paths[path][method];
        var tag = (op.tags && op.tags[0]) || "api";
        (byTag[tag] = byTag[tag] || []).push([path, method, op]);
      });
    });
    var nav = el("nav", { "aria-label": text("contents") }, []);
    var navList = el("ul", {});
    nav.appendChild(navList);
    root.appendChild(nav);
    var index = 0;
    Object.keys(byTag).forEach(function (tag) {
      navList.appendChild(el("li", {}, [el("a", { href: "#tag-" + tag }, [tag])]));
      root.appendChild(el("h2", { id: "tag-" + tag }, [tag]));
      byTag[tag].forEach(function (entry) {
        root.appendChild(operation(spec, entry[0], entry[1], entry[2], index++));
      });
    });
  }

  root.textContent = text("loading");
  fetch(root.getAttribute("data-schema-url"), { credentials: "same-origin" })
    .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
    .then(render)
    .catch(function () { root.textContent = text("failed"); });
})();
