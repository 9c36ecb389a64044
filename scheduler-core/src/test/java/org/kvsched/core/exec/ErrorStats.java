package org.kvsched.core.exec;

/** Accumulates relative errors |predicted - measured| / measured (test helper). */
final class ErrorStats {

    private double sum;
    private double max;
    private String worst = "";
    private int count;

    void add(final double predicted, final double measured, final String where) {
        final double err = Math.abs(predicted - measured) / measured;
        sum += err;
        count++;
        if (err > max) {
            max = err;
            worst = where + String.format(" (pred %.4f, meas %.4f)", predicted, measured);
        }
    }

    int count() {
        return count;
    }

    double mape() {
        return count == 0 ? Double.NaN : sum / count;
    }

    double max() {
        return max;
    }

    String summary(final String label) {
        return String.format("%-28s n=%4d  MAPE %5.2f%%  max %5.1f%% at %s", label, count, 100 * mape(), 100 * max, worst);
    }
}
