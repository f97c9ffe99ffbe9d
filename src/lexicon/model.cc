#include "tocsin/model.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lexicon/compiler.h"
#include "lexicon/model_data.h"

namespace tocsin {

Model::Model(std::unique_ptr<internal::ModelData> d) : data_(std::move(d)) {}
Model::~Model() = default;

std::vector<std::string> Model::languages() const {
  std::vector<std::string> out;
  for (const auto& l : data_->langs) out.push_back(l.iso);
  return out;
}

uint32_t Model::format_version() { return internal::kModelFormatVersion; }

Status Model::Build(const std::string& data_dir, const std::string& out_path, ModelBuildReport* report,
                    const ModelBuildOptions& options) {
  ModelBuildReport local;
  if (!report) report = &local;
  auto data = internal::CompileData(data_dir, report, options);
  if (!data.ok()) return data.status();
  const std::string bytes = internal::Serialize(**data);
  // Write to a temporary name and rename, so a reader never sees half a model.
  const std::string tmp = out_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IoError("cannot write `" + tmp + "`: check the directory exists and is writable");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Status::IoError("write to `" + tmp + "` failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out_path, ec);
  if (ec) return Status::IoError("cannot rename `" + tmp + "` to `" + out_path + "`: " + ec.message());
  report->bytes = bytes.size();
  return Status::Ok();
}

Result<std::shared_ptr<const Model>> Model::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::NotFound("no model at `" + path + "`: build one with `tocsin model build data/ -o " + path +
                            "` or pass --model");
  // Mapped read-only: the languages a run never meets are never even copied.
  {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd >= 0 && ::fstat(fd, &st) == 0 && st.st_size > 0) {
      const size_t size = static_cast<size_t>(st.st_size);
      void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      ::close(fd);
      if (p != MAP_FAILED) {
        std::shared_ptr<const void> keep(p, [size](const void* q) { ::munmap(const_cast<void*>(q), size); });
        auto data = internal::Deserialize(std::string_view(static_cast<const char*>(p), size), std::move(keep));
        if (!data.ok()) return data.status().WithContext(path);
        return std::shared_ptr<const Model>(new Model(std::move(data).value()));
      }
    } else if (fd >= 0) {
      ::close(fd);
    }
  }
  // Where mapping fails (a pipe, an odd file system): one read into the buffer the model keeps.
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  std::string bytes;
  if (!ec) {
    bytes.resize(size);
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    bytes.resize(static_cast<size_t>(in.gcount()));
  } else {
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  auto data = internal::Deserialize(std::move(bytes));
  if (!data.ok()) return data.status().WithContext(path);
  return std::shared_ptr<const Model>(new Model(std::move(data).value()));
}

Result<std::shared_ptr<const Model>> Model::FromData(const std::string& data_dir,
                                                     const ModelBuildOptions& options) {
  auto data = internal::CompileData(data_dir, nullptr, options);
  if (!data.ok()) return data.status();
  return std::shared_ptr<const Model>(new Model(std::move(data).value()));
}

std::vector<std::string> Model::DefaultPaths(const std::string& executable_dir) {
  std::vector<std::string> out;
  if (const char* env = std::getenv("TOCSIN_MODEL"); env && *env) out.push_back(env);
  namespace fs = std::filesystem;
  fs::path dir(executable_dir);
  out.push_back((dir / "tocsin.model").string());
  out.push_back((dir / "../tocsin.model").lexically_normal().string());
  out.push_back((dir / "../../tocsin.model").lexically_normal().string());
  out.push_back((dir / "../share/tocsin/tocsin.model").lexically_normal().string());
  return out;
}

}  // namespace tocsin
