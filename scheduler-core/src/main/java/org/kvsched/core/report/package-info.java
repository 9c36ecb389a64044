/**
 * Run reports: JSON summaries, per-request CSV, and a self-contained HTML page with inline SVG charts.
 *
 * <p>Plain Java with no third-party libraries, so the files it writes open offline and any module can
 * produce them. Everything here is a pure function of its arguments (no clock, no shared state); the only
 * side effects are the files the {@code write} methods are asked to create.
 */
package org.kvsched.core.report;
