/*
 * A C host of a Rnn.Gen model: loads trained weights into the NativeAOT library (SunspotModel.so), streams the yearly
 * sunspot numbers through rnngen_model_step one year at a time, runs rnngen_model_predict on 24-year windows, and
 * prints every output with its bits, in the same format as the managed reference program (Reference/Program.cs), so
 * that the two can be compared line by line.
 *
 *   host <weights.safetensors> <sunspots.csv> [--time]
 *
 * stdout: "step <year> <bits> <value>" (the prediction for the next year after reading <year>, streamed) and
 * "predict <first year> <i> <bits> <value>" (step i of the window that starts at <first year>); value is the model's
 * output (sunspot number / 100). stderr: the error checks, a summary, and with --time the time per step.
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rnngen_model.h"

#define MAX_YEARS 1000

static int fail(const char* what, int32_t status)
{
    fprintf(stderr, "%s failed with status %d: %s\n", what, (int)status, rnngen_last_error());
    return 1;
}

static uint32_t bits_of(float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

/* "YEAR","SUNACTIVITY" then one "year,value" line per year. */
static int read_series(const char* path, int* first_year, float* values, int* count)
{
    FILE* file = fopen(path, "r");
    if (file == NULL) {
        perror(path);
        return 1;
    }

    char line[256];
    *count = 0;
    if (fgets(line, sizeof line, file) == NULL) {
        fprintf(stderr, "%s is empty\n", path);
        fclose(file);
        return 1;
    }

    int year;
    double value;
    while (fgets(line, sizeof line, file) != NULL && *count < MAX_YEARS) {
        if (line[0] == '\n' || line[0] == '\r') {
            continue;
        }
        if (sscanf(line, "%d,%lf", &year, &value) != 2) {
            fprintf(stderr, "%s: cannot read the line \"%s\"\n", path, line);
            fclose(file);
            return 1;
        }
        if (*count == 0) {
            *first_year = year;
        }
        values[(*count)++] = (float)value;
    }

    fclose(file);
    return *count > 0 ? 0 : 1;
}

/* One of the library's answers to a wrong call: a status and a message, never a crash. */
static int expect(const char* what, int32_t status, int32_t expected)
{
    if (status != expected) {
        fprintf(stderr, "error check: %s returned %d, expected %d\n", what, (int)status, (int)expected);
        return 1;
    }
    fprintf(stderr, "error check: %s -> %d: %s\n", what, (int)status, rnngen_last_error());
    return 0;
}

static int check_errors(rnngen_model* model, int32_t input_size, int32_t output_size)
{
    float in[1] = { 0 }, out[1] = { 0 };
    return expect("a missing weight file", rnngen_model_load_weights(model, "no-such-file.safetensors"), RNNGEN_FILE_ERROR)
        || expect("a step with a wrong input length", rnngen_model_step(model, in, input_size + 1, out, output_size), RNNGEN_INVALID_ARGUMENT)
        || expect("a step with a null output", rnngen_model_step(model, in, input_size, NULL, output_size), RNNGEN_INVALID_ARGUMENT)
        || expect("a step on a null handle", rnngen_model_step(NULL, in, input_size, out, output_size), RNNGEN_INVALID_HANDLE);
}

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

int main(int argc, char** argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s <weights.safetensors> <sunspots.csv> [--time]\n", argv[0]);
        return 2;
    }

    static float series[MAX_YEARS];
    int first_year = 0, years = 0;
    if (read_series(argv[2], &first_year, series, &years) != 0) {
        return 1;
    }
    for (int t = 0; t < years; t++) {
        series[t] /= 100.0f; /* the scale the model was trained on */
    }

    int32_t input_size, steps, output_size, output_steps, status;
    if ((status = rnngen_model_sizes(&input_size, &steps, &output_size, &output_steps)) != RNNGEN_OK) {
        return fail("rnngen_model_sizes", status);
    }
    if (input_size != 1 || output_size != 1 || output_steps != steps) {
        fprintf(stderr, "this host streams one value in and one out per step; the model has %d in, %d out\n", (int)input_size, (int)output_size);
        return 1;
    }

    rnngen_model* model = NULL;
    if ((status = rnngen_model_create(&model)) != RNNGEN_OK) {
        return fail("rnngen_model_create", status);
    }
    if (check_errors(model, input_size, output_size) != 0) {
        return 1;
    }
    if ((status = rnngen_model_load_weights(model, argv[1])) != RNNGEN_OK) {
        return fail("rnngen_model_load_weights", status);
    }

    /* Streaming: one year in, the next year's prediction out. */
    double model_squared = 0, naive_squared = 0;
    float out[1];
    if ((status = rnngen_model_reset(model)) != RNNGEN_OK) {
        return fail("rnngen_model_reset", status);
    }
    for (int t = 0; t < years; t++) {
        if ((status = rnngen_model_step(model, &series[t], 1, out, 1)) != RNNGEN_OK) {
            return fail("rnngen_model_step", status);
        }
        printf("step %d %08" PRIx32 " %.9g\n", first_year + t, bits_of(out[0]), out[0]);
        if (t + 1 < years) {
            double error = 100.0 * ((double)out[0] - series[t + 1]), naive = 100.0 * ((double)series[t] - series[t + 1]);
            model_squared += error * error;
            naive_squared += naive * naive;
        }
    }

    /* Windows of `steps` years from a zero state. */
    float* window_out = malloc(sizeof(float) * (size_t)output_steps);
    if (window_out == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    for (int start = 0; start + steps <= years; start += steps) {
        if ((status = rnngen_model_predict(model, &series[start], steps, window_out, output_steps)) != RNNGEN_OK) {
            return fail("rnngen_model_predict", status);
        }
        for (int i = 0; i < output_steps; i++) {
            printf("predict %d %d %08" PRIx32 " %.9g\n", first_year + start, i, bits_of(window_out[i]), window_out[i]);
        }
    }
    free(window_out);

    fprintf(stderr, "streamed %d years (%d-%d) through rnngen_model_step: one-year-ahead RMSE %.1f (naive next = last: %.1f)\n",
        years, first_year, first_year + years - 1, sqrt(model_squared / (years - 1)), sqrt(naive_squared / (years - 1)));

    if (argc > 3 && strcmp(argv[3], "--time") == 0) {
        /* The fastest of 5 passes of 200 times the series, each from a reset state. */
        const int repeats = 200;
        double best = INFINITY;
        for (int pass = 0; pass < 5; pass++) {
            double start = seconds_now();
            for (int r = 0; r < repeats; r++) {
                rnngen_model_reset(model);
                for (int t = 0; t < years; t++) {
                    rnngen_model_step(model, &series[t], 1, out, 1);
                }
            }
            double per_step = (seconds_now() - start) / ((double)repeats * years);
            best = per_step < best ? per_step : best;
        }
        fprintf(stderr, "time: %.0f ns per rnngen_model_step (fastest of 5 passes of %d steps)\n", best * 1e9, repeats * years);
    }

    if ((status = rnngen_model_free(model)) != RNNGEN_OK) {
        return fail("rnngen_model_free", status);
    }
    if (rnngen_model_free(model) != RNNGEN_INVALID_HANDLE) {
        fprintf(stderr, "error check: freeing a model twice did not return RNNGEN_INVALID_HANDLE\n");
        return 1;
    }
    return 0;
}
