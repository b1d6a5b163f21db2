/*
 * rnngen_model.h: the C entry points of a Rnn.Gen model published as a NativeAOT shared library
 * (samples/Rnn.Gen.Samples.NativeHost: SunspotModel, an LSTM(64) -> Dense(1) over 1 input per step, 24-step windows).
 *
 * Every function returns an rnngen_status (0 for success) and never throws into the caller; on failure,
 * rnngen_last_error() says what went wrong. Buffers are the caller's: the library keeps no pointer to them after a call
 * returns, and allocates nothing while it steps or predicts. A model is used by one thread at a time (a call that
 * finds it busy returns RNNGEN_BUSY and does nothing); distinct models may run on distinct threads.
 */
#ifndef RNNGEN_MODEL_H
#define RNNGEN_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An opaque handle to one model: its parameters, its buffers and its streaming state. */
typedef struct rnngen_model rnngen_model;

typedef enum rnngen_status {
    RNNGEN_OK = 0,
    RNNGEN_INVALID_ARGUMENT = 1, /* a null pointer, or a buffer length that is not the model's */
    RNNGEN_INVALID_HANDLE = 2,   /* a null handle, or one that was never created or was freed */
    RNNGEN_FILE_ERROR = 3,       /* the weight file cannot be read */
    RNNGEN_FORMAT_ERROR = 4,     /* the weight file is not this model's parameters (the model is unchanged) */
    RNNGEN_BUSY = 5,             /* another thread is using this model */
    RNNGEN_INTERNAL_ERROR = 6    /* anything else; the message says what */
} rnngen_status;

/* The model's sizes: floats per step in (input_size) and out (output_size); time steps of a predict window in
   (steps) and out (output_steps). */
int32_t rnngen_model_sizes(int32_t* input_size, int32_t* steps, int32_t* output_size, int32_t* output_steps);

/* Makes a model with all the buffers it will ever use and writes its handle to *model; load its weights next. */
int32_t rnngen_model_create(rnngen_model** model);

/* Loads every parameter from a safetensors file (UTF-8 path; tensor names as PyTorch's state_dict, F32/F64/F16/BF16),
   all of them or none; resets the streaming state. */
int32_t rnngen_model_load_weights(rnngen_model* model, const char* path);

/* Zeroes the streaming state: the next rnngen_model_step starts a new series. */
int32_t rnngen_model_reset(rnngen_model* model);

/* One time step: input_length == input_size floats in, output_length == output_size floats out. */
int32_t rnngen_model_step(rnngen_model* model, const float* input, int32_t input_length, float* output, int32_t output_length);

/* One window from a zero state (the streaming state is left alone): steps * input_size floats in, time-major;
   output_steps * output_size floats out. */
int32_t rnngen_model_predict(rnngen_model* model, const float* input, int32_t input_length, float* output, int32_t output_length);

/* Frees a model; its handle is invalid afterwards. A null handle is accepted and ignored. */
int32_t rnngen_model_free(rnngen_model* model);

/* The message of this thread's last failed call (UTF-8, never NULL, "" before any failure). Owned by the library,
   valid until the next failed call on the same thread. */
const char* rnngen_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* RNNGEN_MODEL_H */
