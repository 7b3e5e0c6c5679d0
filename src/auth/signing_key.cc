#include "auth/signing_key.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "common/base64.h"
#include "common/digest.h"
#include "common/log.h"
#include "common/random.h"

namespace tr::auth {

void EvpPkeyDeleter::operator()(evp_pkey_st* key) const noexcept { EVP_PKEY_free(key); }

namespace {

constexpr int kGeneratedBits = 2048;
constexpr int kMinBits = 2048;
constexpr std::size_t kMaxPemBytes = 64 * 1024;

struct BioDeleter {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
struct BnDeleter {
  void operator()(BIGNUM* bn) const noexcept { BN_free(bn); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

[[noreturn]] void ThrowOpenSsl(const std::string& what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  char buf[256] = "unknown error";
  if (code != 0) {
    ERR_error_string_n(code, buf, sizeof buf);
  }
  throw std::runtime_error(what + ": " + buf);
}

// Never prompt on a terminal for an encrypted PEM: an encrypted key is simply unusable here.
int NoPassphrase(char*, int, int, void*) { return 0; }

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string BigNumBase64Url(const EVP_PKEY* key, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) {
    ThrowOpenSsl("reading RSA parameter");
  }
  BnPtr bn(raw);
  // BN_bn2bin writes big-endian without leading zeros, as RFC 7518 section 6.3.1 asks.
  std::vector<unsigned char> bytes(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), bytes.data());
  return Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string PrivateKeyPem(const EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    ThrowOpenSsl("encoding private key");
  }
  return BioContents(bio.get());
}

// Wipes key material from memory when it goes out of scope.
struct SecretString {
  std::string value;
  ~SecretString() { OPENSSL_cleanse(value.data(), value.size()); }
};

void WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw std::runtime_error("writing " + path + ": " + std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Writes to a private temporary file and links it into place, so a reader never sees a
// partial key and two processes starting at once end up sharing one key.
// Returns false when another process created `path` first.
bool CreateKeyFile(const std::filesystem::path& path, std::string_view pem) {
  std::filesystem::path tmp = path;
  tmp += ".tmp-" + RandomAlnum(12);
  const std::string tmp_name = tmp.string();
  int fd = ::open(tmp_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("creating " + tmp_name + ": " + std::strerror(errno));
  }
  try {
    // The umask may only clear bits; set the mode explicitly anyway.
    if (::fchmod(fd, 0600) != 0) {
      throw std::runtime_error("chmod " + tmp_name + ": " + std::strerror(errno));
    }
    WriteAll(fd, pem, tmp_name);
    if (::fsync(fd) != 0) {
      throw std::runtime_error("fsync " + tmp_name + ": " + std::strerror(errno));
    }
  } catch (...) {
    ::close(fd);
    ::unlink(tmp_name.c_str());
    throw;
  }
  ::close(fd);
  const std::string final_name = path.string();
  int rc = ::link(tmp_name.c_str(), final_name.c_str());
  int link_errno = errno;
  ::unlink(tmp_name.c_str());
  if (rc != 0) {
    if (link_errno == EEXIST) {
      return false;
    }
    throw std::runtime_error("creating " + final_name + ": " + std::strerror(link_errno));
  }
  return true;
}

std::string ReadKeyFile(const std::filesystem::path& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::is_regular_file(status)) {
    throw std::runtime_error("signing key " + path.string() + " is not a readable file");
  }
  if ((status.permissions() & (std::filesystem::perms::group_all |
                               std::filesystem::perms::others_all)) !=
      std::filesystem::perms::none) {
    log::Warn("auth", "signing key file is readable by others; expected mode 0600",
              {{"path", path.string()}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open signing key " + path.string());
  }
  std::string data;
  data.resize(kMaxPemBytes + 1);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (in.bad()) {
    throw std::runtime_error("cannot read signing key " + path.string());
  }
  data.resize(static_cast<std::size_t>(in.gcount()));
  if (data.size() > kMaxPemBytes) {
    throw std::runtime_error("signing key " + path.string() + " is too large");
  }
  return data;
}

}  // namespace

SigningKey::SigningKey(EvpPkeyPtr key) : key_(std::move(key)) {
  if (!key_ || EVP_PKEY_is_a(key_.get(), "RSA") != 1) {
    throw std::runtime_error("signing key is not an RSA key");
  }
  if (EVP_PKEY_get_bits(key_.get()) < kMinBits) {
    throw std::runtime_error("signing key is shorter than 2048 bits");
  }
  unsigned char* der = nullptr;
  int der_len = i2d_PUBKEY(key_.get(), &der);
  if (der_len <= 0) {
    ThrowOpenSsl("encoding public key");
  }
  auto digest = Sha256(std::string_view(reinterpret_cast<const char*>(der),
                                        static_cast<std::size_t>(der_len)));
  OPENSSL_free(der);
  kid_ = Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest.data()),
                                          digest.size()))
             .substr(0, 16);
  jwk_ = Json{{"kty", "RSA"},
              {"use", "sig"},
              {"alg", "RS256"},
              {"kid", kid_},
              {"n", BigNumBase64Url(key_.get(), OSSL_PKEY_PARAM_RSA_N)},
              {"e", BigNumBase64Url(key_.get(), OSSL_PKEY_PARAM_RSA_E)}};
}

SigningKey SigningKey::Generate() {
  EVP_PKEY* raw = EVP_RSA_gen(kGeneratedBits);
  if (raw == nullptr) {
    ThrowOpenSsl("generating RSA key");
  }
  return SigningKey(EvpPkeyPtr(raw));
}

SigningKey SigningKey::FromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    ThrowOpenSsl("reading PEM");
  }
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr);
  if (raw == nullptr) {
    ThrowOpenSsl("signing key is not a PEM private key");
  }
  return SigningKey(EvpPkeyPtr(raw));
}

SigningKey SigningKey::LoadOrCreate(const std::filesystem::path& pem_path) {
  std::error_code ec;
  if (!std::filesystem::exists(pem_path, ec)) {
    if (pem_path.has_parent_path()) {
      std::filesystem::create_directories(pem_path.parent_path(), ec);
      if (ec) {
        throw std::runtime_error("creating " + pem_path.parent_path().string() + ": " +
                                 ec.message());
      }
    }
    SigningKey key = Generate();
    SecretString pem{PrivateKeyPem(key.key_.get())};
    if (CreateKeyFile(pem_path, pem.value)) {
      log::Info("auth", "generated signing key", {{"path", pem_path.string()}, {"kid", key.kid_}});
      return key;
    }
    // Lost a race with another process: use its key.
  }
  SecretString pem{ReadKeyFile(pem_path)};
  try {
    return FromPem(pem.value);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(pem_path.string() + ": " + e.what());
  }
}

std::string SigningKey::Sign(const Json& payload) const {
  const Json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid_}};
  std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t sig_len = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    ThrowOpenSsl("RS256 sign");
  }
  std::string sig(sig_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    ThrowOpenSsl("RS256 sign");
  }
  sig.resize(sig_len);
  input.push_back('.');
  input += Base64UrlEncode(sig);
  return input;
}

Json SigningKey::Jwks() const { return Json{{"keys", Json::array({jwk_})}}; }

std::string SigningKey::PublicKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    ThrowOpenSsl("encoding public key");
  }
  return BioContents(bio.get());
}

}  // namespace tr::auth
