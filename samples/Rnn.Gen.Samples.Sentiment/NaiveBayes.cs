using System;
using System.Collections.Generic;
using System.Linq;

namespace Rnn.Gen.Samples.Sentiment;

/// <summary>
/// A bag-of-words baseline: multinomial naive Bayes on which words a sentence contains (each counted once, Laplace
/// smoothing), trained on the same sentences as the model. It ignores word order, so it shows what the recurrent
/// model adds, or does not, beyond knowing which words are there.
/// </summary>
internal static class NaiveBayes
{
    /// <summary>The fraction of <paramref name="test"/> that a classifier trained on <paramref name="training"/> gets right.</summary>
    public static double Accuracy(IReadOnlyList<Review> training, IReadOnlyList<Review> test)
    {
        var counts = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var wordsPerClass = new double[2];
        var sentencesPerClass = new double[2];
        foreach (Review review in training)
        {
            sentencesPerClass[review.Label]++;
            foreach (string word in Tokenizer.Words(review.Text).Distinct())
            {
                if (!counts.TryGetValue(word, out int[]? perClass))
                {
                    counts[word] = perClass = new int[2];
                }

                perClass[review.Label]++;
                wordsPerClass[review.Label]++;
            }
        }

        int correct = 0;
        foreach (Review review in test)
        {
            Span<double> score = [Math.Log(sentencesPerClass[0]), Math.Log(sentencesPerClass[1])];
            foreach (string word in Tokenizer.Words(review.Text).Distinct())
            {
                if (counts.TryGetValue(word, out int[]? perClass))
                {
                    for (int c = 0; c < 2; c++)
                    {
                        score[c] += Math.Log((perClass[c] + 1.0) / (wordsPerClass[c] + counts.Count));
                    }
                }
            }

            correct += (score[1] > score[0] ? 1 : 0) == review.Label ? 1 : 0;
        }

        return (double)correct / test.Count;
    }
}
