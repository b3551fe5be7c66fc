// Content negotiation for nginx (njs), the same rule as `cityrdf serve` (src/cityrdf/conneg.py,
// RFC 9110 §12.5.1): each offered type takes the q of the most specific media range that matches it,
// q=0 means "not acceptable", the highest q wins and ties go to the order below. No Accept header
// means anything. The result is the file suffix to serve, or "" when nothing is acceptable (406).
var OFFERED = [
    ["text", "html", "html"],
    ["text", "turtle", "ttl"],
    ["application", "ld+json", "jsonld"],
    ["application", "rdf+xml", "rdf"],
    ["application", "n-triples", "nt"],
];

function ranges(header) {
    var found = [];
    header.split(",").forEach(function (part) {
        var params = part.split(";").map(function (p) { return p.trim(); });
        var media = params[0].toLowerCase();
        var slash = media.indexOf("/");
        var kind = media.slice(0, slash), sub = media.slice(slash + 1);
        if (slash < 1 || !sub || (kind === "*" && sub !== "*")) {
            return;  // malformed: ignored
        }
        var q = 1;
        params.slice(1).forEach(function (p) {
            var eq = p.indexOf("=");
            if (eq > 0 && p.slice(0, eq).trim().toLowerCase() === "q") {
                var value = p.slice(eq + 1).trim();
                // RFC 9110 §12.4.2: at most three decimals (Apache reads q=0.0001 as 0)
                q = /^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(value) ? parseFloat(value) : -1;
            }
        });
        if (q >= 0 && q <= 1) {
            found.push([kind, sub, q]);
        }
    });
    return found;
}

// `?format=` as `cityrdf serve` takes it (src/cityrdf/web/documents.py): a suffix, a format's
// name or its media type; any other value is "" (406).
var FORMAT_NAMES = {
    "turtle": "ttl", "json-ld": "jsonld", "xml": "rdf", "rdfxml": "rdf", "rdf/xml": "rdf",
    "pretty-xml": "rdf", "ntriples": "nt", "n-triples": "nt",
};
OFFERED.forEach(function (offer) {
    FORMAT_NAMES[offer[2]] = offer[2];
    FORMAT_NAMES[offer[0] + "/" + offer[1]] = offer[2];
});

function suffix(r) {
    var format = r.args.format;
    if (format !== undefined) {
        var name = decodeURIComponent(String(format).replace(/\+/g, "%2B")).toLowerCase();
        return Object.prototype.hasOwnProperty.call(FORMAT_NAMES, name) ? FORMAT_NAMES[name] : "";
    }
    var header = r.headersIn["Accept"];
    if (header === undefined || header.trim() === "") {
        return OFFERED[0][2];
    }
    var accepted = ranges(header);
    var best = "", bestQ = 0;
    OFFERED.forEach(function (offer) {
        var specificity = -1, q = 0;
        accepted.forEach(function (range) {
            var s = range[0] === offer[0] && range[1] === offer[1] ? 2
                : range[0] === offer[0] && range[1] === "*" ? 1
                : range[0] === "*" && range[1] === "*" ? 0 : -1;
            if (s > specificity || (s === specificity && s >= 0 && range[2] > q)) {
                specificity = s;
                q = range[2];
            }
        });
        if (specificity >= 0 && q > bestQ) {
            best = offer[2];
            bestQ = q;
        }
    });
    return best;
}

// The document a negotiated answer is, relative to the resource (`tehran.ttl` for /id/city/tehran),
// for its Content-Location header, as Apache's MultiViews and `cityrdf serve` name it.
function location(r) {
    var path = r.variables.request_uri.split("?")[0];
    return path.slice(path.lastIndexOf("/") + 1) + "." + suffix(r);
}

export default { suffix, location };
