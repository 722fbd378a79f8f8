#include "bench/moderation/corpus.h"

#include <random>
#include <string>
#include <vector>

#include "moderation/internal/utf8.h"

#ifndef MODERATION_DEFAULT_LEXICON
#error "MODERATION_DEFAULT_LEXICON must name the shipped lexicon"
#endif

namespace moderation::bench {
namespace {

// Frequent characters of everyday Chinese, the clean text's alphabet.
constexpr char kCommon[] =
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可"
    "你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同"
    "么"
    "经法当起与好看学进种将还分此心前面又定见只主没公从知使现样开最问很新想两外"
    "些"
    "点动长期然与实力体制政高合产重加美全表水理化手意区间性民内正应向情部走业机"
    "今天气城市朋友喜欢觉得真的太棒支持希望国家发展社会经济文化历史教育孩子学校"
    "老"
    "师工作生活时间问题方面原因结果影响环境技术公司产品服务价格质量消费市场新闻"
    "报"
    "道记者评论网友观点大家感谢分享视频图片比赛球队电影音乐故事";
constexpr const char* kPunctuation[] = {"，", "。", "！", "？", "、", "…"};
constexpr const char* kNoise[] = {" ", "😀", "\u200b", ".", "❤", "-"};

std::vector<std::string> Characters(const char* utf8) {
  std::vector<std::string> out;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8);
  const auto* end = p + std::char_traits<char>::length(utf8);
  while (p < end) {
    char32_t c;
    const int n = internal::DecodeUtf8(p, end, &c);
    out.emplace_back(reinterpret_cast<const char*>(p), n);
    p += n;
  }
  return out;
}

const std::vector<std::string>& Common() {
  static const auto* const chars =
      new std::vector<std::string>(Characters(kCommon));
  return *chars;
}

}  // namespace

std::vector<LexiconEntry> MakeLexicon(size_t count) {
  std::vector<LexiconEntry> out;
  auto shipped = LoadLexiconFile(MODERATION_DEFAULT_LEXICON);
  if (shipped.ok()) {
    for (size_t i = 0; i < shipped->size() && out.size() < count; ++i) {
      out.push_back((*shipped)[i]);
    }
  }
  std::mt19937 rng(42);
  const auto& common = Common();
  std::uniform_int_distribution<int> length(3, 6);
  std::uniform_int_distribution<char32_t> rare(0x4E00, 0x9FA5);
  std::uniform_int_distribution<size_t> pick(0, common.size() - 1);
  std::uniform_int_distribution<int> percent(0, 99);
  const Action actions[] = {Action::kMask, Action::kReview, Action::kBlock};
  while (out.size() < count) {
    LexiconEntry e;
    const int n = length(rng);
    if (percent(rng) < 3) {
      for (int i = 0; i < n + 2; ++i)
        e.word += static_cast<char>('a' + rng() % 26);
    } else {
      for (int i = 0; i < n; ++i) {
        if (percent(rng) < 35) {
          e.word += common[pick(rng)];
        } else {
          internal::AppendUtf8(rare(rng), &e.word);
        }
      }
    }
    e.category = "generated";
    e.action = actions[out.size() % 3];
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::string> MakeCorpus(const std::vector<LexiconEntry>& lexicon,
                                    size_t lines, int hit_permille) {
  std::mt19937 rng(7);
  const auto& common = Common();
  std::uniform_int_distribution<size_t> pick(0, common.size() - 1);
  std::uniform_int_distribution<size_t> entry(0, lexicon.size() - 1);
  std::uniform_int_distribution<int> length(20, 120);
  std::uniform_int_distribution<int> permille(0, 999);
  std::vector<std::string> out;
  out.reserve(lines);
  for (size_t l = 0; l < lines; ++l) {
    std::string line;
    const int n = length(rng);
    const int hit_at =
        permille(rng) < hit_permille ? static_cast<int>(rng() % n) : -1;
    for (int i = 0; i < n; ++i) {
      if (i == hit_at) {
        const std::string& word = lexicon[entry(rng)].word;
        if (rng() % 3 == 0) {  // Evaded: noise between the characters.
          const char* noise = kNoise[rng() % std::size(kNoise)];
          for (const std::string& c : Characters(word.c_str()))
            line += c + noise;
        } else {
          line += word;
        }
      } else if (i % 12 == 11) {
        line += kPunctuation[rng() % std::size(kPunctuation)];
      } else if (rng() % 50 == 0) {
        line += std::to_string(rng() % 1000);
      } else {
        line += common[pick(rng)];
      }
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace moderation::bench
