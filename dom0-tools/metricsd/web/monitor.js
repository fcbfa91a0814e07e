// The page's graphs: every second it fetches /api/history (tern-metricsd's last minutes of
// samples) and redraws one Dygraph for the host and two per domain (memory, CPU).
"use strict";

const MiB = 1024;
const graphs = {};

function mib(kib) {
  return kib === null || kib === undefined ? null : kib / MiB;
}

function graph(id, parent, title, labels, ylabel) {
  if (graphs[id]) return graphs[id];
  const div = document.createElement("div");
  div.className = "graph";
  div.id = id;
  parent.appendChild(div);
  graphs[id] = new Dygraph(div, [[new Date(), ...labels.slice(1).map(() => null)]], {
    title: title, labels: labels, ylabel: ylabel, legend: "always", labelsKMB: false,
    connectSeparatedPoints: false, includeZero: true, animatedZooms: false,
  });
  return graphs[id];
}

function domainRow(d) {
  const id = "dom-" + d.domid;
  let row = document.getElementById(id);
  if (!row) {
    const h = document.createElement("h2");
    h.textContent = d.name + " (domain " + d.domid + ")";
    row = document.createElement("div");
    row.className = "row";
    row.id = id;
    const box = document.getElementById("domains");
    box.appendChild(h);
    box.appendChild(row);
  }
  return row;
}

function draw(history) {
  const points = history.points;
  if (!points.length) return;
  const host = points.map(p => [new Date(p.t), mib(p.host.total_kb),
                                mib(p.host.total_kb - p.host.free_kb), mib(p.host.free_kb)]);
  graph("host-mem", document.getElementById("host"), "Host memory",
        ["time", "total", "used", "free"], "MiB").updateOptions({file: host});

  const doms = {};
  points.forEach(p => p.domains.forEach(d => { doms[d.domid] = d; }));
  Object.values(doms).forEach(d => {
    const mem = [], cpu = [];
    points.forEach(p => {
      const x = p.domains.find(e => e.domid === d.domid);
      const t = new Date(p.t);
      mem.push(x ? [t, mib(x.actual_kb), mib(x.target_kb), mib(x.used_kb), mib(x.cache_kb)]
                 : [t, null, null, null, null]);
      cpu.push([t, x ? x.cpu_pct : null]);
    });
    const row = domainRow(d);
    // What the memory graph shows, readable by a program (the system tests check the
    // page's own data, not only that it draws): last, lowest and highest "actual" in MiB.
    const actual = mem.map(r => r[1]).filter(v => v !== null);
    if (actual.length) {
      row.dataset.actualMib = Math.round(actual[actual.length - 1]);
      row.dataset.actualMinMib = Math.round(Math.min(...actual));
      row.dataset.actualMaxMib = Math.round(Math.max(...actual));
    }
    graph("mem-" + d.domid, row, d.name + ": memory",
          ["time", "actual", "target", "guest used", "guest cache"], "MiB")
        .updateOptions({file: mem});
    graph("cpu-" + d.domid, row, d.name + ": CPU", ["time", "CPU %"], "%")
        .updateOptions({file: cpu});
  });
  const last = points[points.length - 1];
  document.body.dataset.points = points.length;
  document.getElementById("status").textContent =
      "points=" + points.length + " domains=" + last.domains.length +
      " last=" + new Date(last.t).toISOString();
}

function poll() {
  fetch("api/history", {cache: "no-store"})
      .then(r => r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status)))
      .then(h => { draw(h); setTimeout(poll, h.interval_ms || 1000); })
      .catch(e => {
        document.getElementById("status").textContent = "error: " + e.message;
        setTimeout(poll, 1000);
      });
}

poll();
