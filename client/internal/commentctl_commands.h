// commentctl's commands, one function each, for its command table
// (client/commentctl_main.cc), which says what each does. Each takes
// args[0], the command's name, then its positional arguments, counted by the
// table already; reads the flags it needs (absl::GetFlag); calls the service
// once; prints the answer on stdout, or `error: CODE: message` on stderr.
// Returns the exit status: 0, 1 when the service answered with an error,
// cli::kUsageError for an argument value it does not take.

#ifndef COMMENTS_CLIENT_INTERNAL_COMMENTCTL_COMMANDS_H_
#define COMMENTS_CLIENT_INTERNAL_COMMENTCTL_COMMANDS_H_

#include <string>
#include <vector>

namespace comments::commentctl {

using Args = std::vector<std::string>;

int Post(const Args& args);
int Get(const Args& args);
int List(const Args& args);
int LikeOrUnlike(const Args& args);  // by args[0]
int Delete(const Args& args);
int Stats(const Args& args);
int Report(const Args& args);
int Queue(const Args& args);
int Inspect(const Args& args);
int Decide(const Args& args);  // approve or reject, by args[0]
int Clear(const Args& args);
int Policy(const Args& args);
int Keywords(const Args& args);
int FeatureOrUnfeature(const Args& args);  // by args[0]
int BanOrUnban(const Args& args);          // by args[0]
int Audit(const Args& args);
int Waves(const Args& args);
int RejectWave(const Args& args);

}  // namespace comments::commentctl

#endif  // COMMENTS_CLIENT_INTERNAL_COMMENTCTL_COMMANDS_H_
