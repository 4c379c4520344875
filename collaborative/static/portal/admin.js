"use strict";
// What the admin's own scripts leave out for assistive technology (WCAG 2.2: 4.1.2
// Name, Role, Value). Loaded by templates/admin/base_site.html; it runs once the admin's
// scripts have built their widgets, and again for each inline form added.
{
    // An autocomplete box (select2) is named by its field's label, whatever is chosen:
    // select2 names it by the chosen value alone, so an empty box has no name.
    function nameAutocompletes(root) {
        root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
            const label = document.querySelector(`label[for="${select.id}"]`);
            const container = document.getElementById(`select2-${select.id}-container`);
            if (!label || !container) {
                return;
            }
            label.id = label.id || `${select.id}-label`;
            const box = container.closest(".select2-selection");
            box.setAttribute("aria-labelledby", `${label.id} ${container.id}`);
            container.setAttribute("aria-labelledby", label.id);
        });
    }

    // The filter boxes of a two-list chooser (filter_horizontal) carry their hint as an
    // aria-label on a bare span, which ARIA does not allow: it is an image of a hint.
    function nameHintIcons(root) {
        root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((icon) => {
            icon.setAttribute("role", "img");
        });
    }

    // A tabular inline labels its columns with headers, not its inputs with labels: each
    // input is named by its column's header and its row ("Domain, row 2").
    function nameTabularInputs(root) {
        root.querySelectorAll(".tabular table").forEach((table) => {
            const headers = Array.from(table.querySelectorAll("thead th"));
            // Not the hidden template row that "Add another" copies.
            const rows = table.querySelectorAll("tbody tr.form-row:not(.empty-form)");
            rows.forEach((row, index) => {
                row.querySelectorAll("td").forEach((cell) => {
                    const header = headers[cell.cellIndex];
                    const name = header && header.textContent.trim().replace(/[:?]$/, "");
                    if (!name) {
                        return;
                    }
                    cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(
                        (field) => {
                            const labelled =
                                (field.getAttribute("aria-label") && !field.dataset.rowName) ||
                                (field.id && document.querySelector(`label[for="${field.id}"]`));
                            if (!labelled) {
                                // Named again as rows are added, so the numbers stay right.
                                field.dataset.rowName = "true";
                                field.setAttribute("aria-label", `${name}, row ${index + 1}`);
                            }
                        },
                    );
                });
            });
        });
    }

    function fix(root) {
        nameAutocompletes(root);
        nameHintIcons(root);
        nameTabularInputs(root);
    }

    // After the admin's own ready handlers (select2 is set up in one), and again once
    // everything has loaded, in case a widget was built late.
    if (window.django && window.django.jQuery) {
        window.django.jQuery(() => fix(document));
    } else {
        document.addEventListener("DOMContentLoaded", () => fix(document));
    }
    window.addEventListener("load", () => fix(document));
    document.addEventListener("formset:added", () => {
        setTimeout(() => fix(document), 0);
    });
}
