// The RTNeural peer of tests/Rnn.Gen.Benchmarks: RTNeural's compile-time API (ModelT with LSTMLayerT / GRULayerT and an
// optional DenseT<H, 1>) behind a small C interface that the benchmark calls through P/Invoke, so RTNeural is timed by
// the same BenchmarkDotNet run, on the same machine, as Rnn.Gen and the other peers.
//
// Built by Peers/RTNeural/build.sh (g++ -O3, one shared library per back end and instruction set); RTNeural itself is not
// part of this repository. Weights arrive in PyTorch's layout (the generated model's parameters: weight_ih [G·H, I],
// weight_hh [G·H, H], bias_ih, bias_hh [G·H], gates i, f, g, o for the LSTM and r, z, n for the GRU; Dense weight [1, H],
// bias [1]) and are rearranged here into RTNeural's Keras layout (kernels transposed, [I][G·H]; LSTM gates i, f, c, o with
// one bias, the sum of PyTorch's two; GRU gates z, r, h with both biases).

#ifndef RTNEURAL_DEFAULT_ALIGNMENT
#if RTNEURAL_USE_XSIMD && defined(__AVX512F__)
#define RTNEURAL_DEFAULT_ALIGNMENT 64
#else
#define RTNEURAL_DEFAULT_ALIGNMENT 32
#endif
#endif

#include <RTNeural/ModelT.h>

#include <cstring>
#include <memory>
#include <vector>

namespace
{
using Matrix = std::vector<std::vector<float>>;

/// PyTorch's [rows, cols] row-major matrix as Keras's kernel: [cols][rows], with the gate blocks of H rows reordered
/// (order[k] is the PyTorch gate that becomes Keras gate k).
Matrix KerasKernel(const float* w, int gates, int hidden, int cols, const int* order)
{
    Matrix kernel(cols, std::vector<float>(gates * hidden));
    for(int c = 0; c < cols; ++c)
        for(int g = 0; g < gates; ++g)
            for(int j = 0; j < hidden; ++j)
                kernel[c][g * hidden + j] = w[(order[g] * hidden + j) * cols + c];
    return kernel;
}

std::vector<float> KerasBias(const float* b, int gates, int hidden, const int* order)
{
    std::vector<float> bias(gates * hidden);
    for(int g = 0; g < gates; ++g)
        for(int j = 0; j < hidden; ++j)
            bias[g * hidden + j] = b[order[g] * hidden + j];
    return bias;
}

struct Weights
{
    const float* w_ih;
    const float* w_hh;
    const float* b_ih;
    const float* b_hh;
    const float* dense_w; // null without the Dense head
    const float* dense_b;
};

template <typename Layer>
struct Loader;

template <int I, int H>
struct Loader<RTNeural::LSTMLayerT<float, I, H>>
{
    static void Load(RTNeural::LSTMLayerT<float, I, H>& layer, const Weights& w)
    {
        static constexpr int order[] = { 0, 1, 2, 3 }; // i, f, g/c, o in both
        layer.setWVals(KerasKernel(w.w_ih, 4, H, I, order));
        layer.setUVals(KerasKernel(w.w_hh, 4, H, H, order));
        std::vector<float> b(4 * H);
        for(int k = 0; k < 4 * H; ++k)
            b[k] = w.b_ih[k] + w.b_hh[k];
        layer.setBVals(b);
    }
};

template <int I, int H>
struct Loader<RTNeural::GRULayerT<float, I, H>>
{
    static void Load(RTNeural::GRULayerT<float, I, H>& layer, const Weights& w)
    {
        static constexpr int order[] = { 1, 0, 2 }; // Keras z, r, h from PyTorch r, z, n
        layer.setWVals(KerasKernel(w.w_ih, 3, H, I, order));
        layer.setUVals(KerasKernel(w.w_hh, 3, H, H, order));
        layer.setBVals(Matrix { KerasBias(w.b_ih, 3, H, order), KerasBias(w.b_hh, 3, H, order) });
    }
};

struct Peer
{
    virtual ~Peer() = default;
    virtual void Reset() = 0;
    virtual void StepBlock(const float* input, float* output, int samples) = 0;
    virtual float Predict(const float* input, int steps) = 0;
};

template <typename Model, typename Recurrent, bool Dense>
struct PeerT final : Peer
{
    static constexpr int I = Model::input_size;
    static constexpr int O = Model::output_size;
    Model model;

    explicit PeerT(const Weights& w)
    {
        Loader<Recurrent>::Load(model.template get<0>(), w);
        if constexpr(Dense)
        {
            constexpr int H = Recurrent::out_size;
            Matrix dense(1, std::vector<float>(w.dense_w, w.dense_w + H));
            model.template get<1>().setWeights(dense);
            model.template get<1>().setBias(w.dense_b);
        }
        model.reset();
    }

    void Reset() override { model.reset(); }

    // RTNeural reads its input with aligned loads (RTNEURAL_DEFAULT_ALIGNMENT), which a caller's span need not be: each
    // sample is copied to an aligned buffer first (I floats, a few ns at most), as an audio plug-in's own buffer would be.
    // The xsimd back end loads whole vectors, 16 floats with AVX-512 even for I = 8: the buffer is padded with zeros to a
    // multiple of 16 (without it, the xsimd AVX-512 build's outputs at I = 8 depend on the floats after the input).
    alignas(64) float x[(I + 15) / 16 * 16] = {};

    void StepBlock(const float* input, float* output, int samples) override
    {
        for(int s = 0; s < samples; ++s)
        {
            std::memcpy(x, input + s * I, sizeof(float) * I);
            model.forward(x);
            std::memcpy(output + s * O, model.getOutputs(), sizeof(float) * O);
        }
    }

    float Predict(const float* input, int steps) override
    {
        model.reset();
        for(int t = 0; t < steps; ++t)
        {
            std::memcpy(x, input + t * I, sizeof(float) * I);
            model.forward(x);
        }
        return model.getOutputs()[O - 1];
    }
};

template <template <typename, int, int, RTNeural::SampleRateCorrectionMode, typename> class Cell, int I, int H>
Peer* Make(bool dense, const Weights& w)
{
    using Recurrent = Cell<float, I, H, RTNeural::SampleRateCorrectionMode::None, RTNeural::DefaultMathsProvider>;
    if(dense)
        return new PeerT<RTNeural::ModelT<float, I, 1, Recurrent, RTNeural::DenseT<float, H, 1>>, Recurrent, true>(w);
    return new PeerT<RTNeural::ModelT<float, I, H, Recurrent>, Recurrent, false>(w);
}

template <template <typename, int, int, RTNeural::SampleRateCorrectionMode, typename> class Cell, int H>
Peer* MakeH(int input, bool dense, const Weights& w)
{
    // The benchmark's input sizes: one feature, H features (streaming), 16 features (sequence, H = 32 and 128).
    if(input == 1)
        return Make<Cell, 1, H>(dense, w);
    if(input == H)
        return Make<Cell, H, H>(dense, w);
    if constexpr(H == 32 || H == 128)
        if(input == 16 && dense)
            return Make<Cell, 16, H>(dense, w);
    return nullptr;
}

template <template <typename, int, int, RTNeural::SampleRateCorrectionMode, typename> class Cell>
Peer* MakeCell(int input, int hidden, bool dense, const Weights& w)
{
    switch(hidden)
    {
    case 8: return MakeH<Cell, 8>(input, dense, w);
    case 16: return MakeH<Cell, 16>(input, dense, w);
    case 32: return MakeH<Cell, 32>(input, dense, w);
    case 64: return MakeH<Cell, 64>(input, dense, w);
    case 128: return MakeH<Cell, 128>(input, dense, w);
    default: return nullptr;
    }
}
} // namespace

// Only the C interface is exported (build.sh compiles with -fvisibility=hidden): the four builds define the same RTNeural
// and Eigen/xsimd template functions, and a library loaded second must not call the first one's copies.
#define RTN_EXPORT __attribute__((visibility("default")))

extern "C"
{
/// The back end and instruction set this library was built for, e.g. "Eigen, AVX-512F".
RTN_EXPORT const char* rtn_variant()
{
#if RTNEURAL_USE_EIGEN
#define RTN_BACKEND "Eigen"
#else
#define RTN_BACKEND "xsimd"
#endif
#if defined(__AVX512F__)
    return RTN_BACKEND ", AVX-512F";
#elif defined(__AVX2__)
    return RTN_BACKEND ", AVX2";
#else
    return RTN_BACKEND ", SSE2";
#endif
}

/// cell: 0 LSTM, 1 GRU. Returns null for a size this library was not compiled for.
RTN_EXPORT void* rtn_create(int cell, int input, int hidden, int dense, const float* w_ih, const float* w_hh, const float* b_ih,
    const float* b_hh, const float* dense_w, const float* dense_b)
{
    Weights w { w_ih, w_hh, b_ih, b_hh, dense_w, dense_b };
    return cell == 0 ? MakeCell<RTNeural::LSTMLayerT>(input, hidden, dense != 0, w)
                     : MakeCell<RTNeural::GRULayerT>(input, hidden, dense != 0, w);
}

RTN_EXPORT void rtn_reset(void* peer) { static_cast<Peer*>(peer)->Reset(); }

/// Streams samples one at a time from the current state: input [samples, I], output [samples, outputs].
RTN_EXPORT void rtn_step_block(void* peer, const float* input, float* output, int samples)
{
    static_cast<Peer*>(peer)->StepBlock(input, output, samples);
}

/// From a zero state, runs steps samples and returns the last output (many-to-one with the Dense head).
RTN_EXPORT float rtn_predict(void* peer, const float* input, int steps) { return static_cast<Peer*>(peer)->Predict(input, steps); }

RTN_EXPORT void rtn_destroy(void* peer) { delete static_cast<Peer*>(peer); }
}
