package org.kvsched.schemas.serde;

/** The one JSON operation the registry client needs: read a top-level string field. Package-private. */
final class Json {

    private Json() {
    }

    /** The unescaped value of the first string field {@code name} in {@code json}. */
    static String stringField(final String json, final String name) {
        final String key = "\"" + name + "\"";
        int i = json.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("no field '" + name + "' in " + json);
        }
        i = json.indexOf(':', i + key.length());
        i = json.indexOf('"', i + 1);
        final StringBuilder sb = new StringBuilder();
        for (int j = i + 1; j < json.length(); j++) {
            final char c = json.charAt(j);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                final char e = json.charAt(++j);
                switch (e) {
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'u':
                        sb.append((char) Integer.parseInt(json.substring(j + 1, j + 5), 16));
                        j += 4;
                        break;
                    default: sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
        throw new IllegalArgumentException("unterminated string field '" + name + "' in " + json);
    }
}
