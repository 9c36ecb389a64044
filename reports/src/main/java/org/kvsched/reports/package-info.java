/**
 * Run reports: JSON summaries (written with Jackson, see {@link org.kvsched.reports.ReportJson}), per-request
 * CSV, and a self-contained HTML page with inline SVG charts.
 *
 * <p>The charts are drawn here as SVG rather than with a charting library because the page must open
 * offline from a single file, with no JavaScript to load, and must be byte-for-byte the same for the same run,
 * so that two reports can be diffed and checked into a repository.
 *
 * <p>Everything here is a pure function of its arguments (no clock, no shared state); the only side effects
 * are the files the {@code write} methods are asked to create.
 */
package org.kvsched.reports;
