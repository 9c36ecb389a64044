package org.kvsched.reports;

/** HTML text helpers shared by the chart and the page. */
final class Html {

    private Html() {
    }

    /** {@code s} safe as element text and as a double- or single-quoted attribute value. */
    static String escape(final String s) {
        final StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '&':
                    sb.append("&amp;");
                    break;
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                case '\'':
                    sb.append("&#39;");
                    break;
                default:
                    // Control characters other than tab/newline are not allowed in XML (inline SVG).
                    if (c < 0x20 && c != '\t' && c != '\n') {
                        sb.append(' ');
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.toString();
    }
}
