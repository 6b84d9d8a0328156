// Functions AG Grid column and export options name as {"function": "..."} (dash-ag-grid).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// A CSV cell a spreadsheet would run as a formula (=, +, -, @ first, after any spaces; or a tab or
// CR first) starts with a
// quote instead, so an exported complaint title can never execute in Excel or LibreOffice.
// Negative numbers stay numbers: only text is neutralised.
dagfuncs.bccCsvCell = function (params) {
    var value = params.value;
    if (typeof value === "string" && /^\s*[=+\-@]|^[\t\r]/.test(value)) {
        return "'" + value;
    }
    return value;
};
