package org.kvsched.core.workload;

/**
 * A malformed row in a trace file. The message is {@code <file name>:<line>: <reason>}, with the line
 * 1-based and counting the header line, so an editor or a terminal can jump to it.
 */
public final class TraceFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String fileName;
    private final int lineNumber;
    private final String reason;

    /**
     * @param fileName    the trace's file name (no directory), as it should appear in the message
     * @param lineNumber  1-based line number, the header being line 1
     * @param reason      what is wrong, naming the column and quoting the offending text
     */
    public TraceFormatException(final String fileName, final int lineNumber, final String reason) {
        super(fileName + ":" + lineNumber + ": " + reason);
        this.fileName = fileName;
        this.lineNumber = lineNumber;
        this.reason = reason;
    }

    /** The trace's file name, without its directory. */
    public String fileName() {
        return fileName;
    }

    /** 1-based line number, counting the header line. */
    public int lineNumber() {
        return lineNumber;
    }

    /** The reason without the {@code file:line: } prefix. */
    public String reason() {
        return reason;
    }
}
