#include <openssl/evp.h>

#include <array>
#include <string>
#include <string_view>

#include "web/page_frame.h"

namespace taskshare::web {
namespace {

// Light and dark through custom properties; classes only, since the CSP allows no style attributes.
// Narrow screens: pre blocks scroll sideways, everything else wraps. Print: no backgrounds, wrapped code.
constexpr std::string_view kStylesheet = R"css(
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--mut:#59636e;--bd:#d1d9e0;--sf:#f6f8fa;--a:#0969da;--u:#0969da;--ubg:#eef5fd;--as:#8250df;--t:#9a6700;--sy:#6e7781;--ok:#1a7f37;--er:#d1242f;--wa:#9a6700}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mut:#9198a1;--bd:#3d444d;--sf:#151b23;--a:#4493f8;--u:#4493f8;--ubg:#0f2038;--as:#ab7df8;--t:#d29922;--sy:#8b949e;--ok:#3fb950;--er:#f85149;--wa:#d29922}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Helvetica,Arial,sans-serif;overflow-wrap:break-word}
.wrap{max-width:54rem;margin:0 auto;padding:1.5rem 1rem 3rem}
a{color:var(--a)}
a[href=""]{color:inherit;text-decoration:underline dotted;pointer-events:none}
code,pre,.name{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:.875em}
pre{margin:.5rem 0;padding:.7rem .9rem;background:var(--sf);border:1px solid var(--bd);border-radius:6px;overflow-x:auto;line-height:1.45;tab-size:4}
pre.plain,pre.raw{white-space:pre-wrap;overflow-wrap:anywhere}
pre code{font-size:inherit}
:not(pre)>code{background:var(--sf);border:1px solid var(--bd);border-radius:4px;padding:0 .3em;overflow-wrap:anywhere}
.site{margin:0;color:var(--mut);font-size:.875rem;font-weight:600}
h1{font-size:1.625rem;line-height:1.3;margin:.2rem 0 .7rem;overflow-wrap:anywhere}
.task{border-bottom:1px solid var(--bd);padding-bottom:1rem;margin-bottom:1.5rem}
.meta,.sched{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center;color:var(--mut);font-size:.875rem}
.sched{margin-top:.4rem}
.meta b,.sched b{color:var(--fg);font-weight:600}
.badge{border:1px solid;border-radius:2em;padding:0 .6em;font-size:.8125rem;font-weight:600}
.s-completed{color:var(--ok)}.s-error,.s-aborted{color:var(--er)}.s-active,.s-pending,.s-suspended{color:var(--wa)}
.msg{margin:0 0 1.25rem;padding:.4rem 0 .4rem 1rem;border-left:3px solid var(--bd)}
.msg-head{display:flex;flex-wrap:wrap;gap:.2rem .6rem;align-items:baseline;font-size:.8125rem;color:var(--mut)}
.role{font-weight:700;text-transform:uppercase;letter-spacing:.05em}
.n{color:inherit;text-decoration:none}
.n:hover{text-decoration:underline}
.r-user{background:var(--ubg);border-color:var(--u);border-radius:0 8px 8px 0;padding-right:1rem}
.r-user .role{color:var(--u)}
.r-assistant{border-color:var(--as)}.r-assistant .role{color:var(--as)}
.r-tool{border-color:var(--t)}.r-tool .role{color:var(--t)}
.r-system,.r-other{border-left-style:dashed;border-color:var(--sy)}
.md>:first-child{margin-top:.25rem}.md>:last-child{margin-bottom:.25rem}
.md p,.md ul,.md ol,.md table,.md blockquote{margin:.5rem 0}
.md h1,.md h2,.md h3,.md h4,.md h5,.md h6{font-size:1.0625rem;line-height:1.35;margin:1rem 0 .4rem}
.md h1,.md h2{font-size:1.2rem}
.md ul,.md ol{padding-left:1.5rem}
.md li:has(>input){list-style:none}
.md li>input{margin:0 .4em 0 -1.3em}
.md blockquote{padding:0 0 0 .9rem;border-left:3px solid var(--bd);color:var(--mut)}
.md table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}
.md th,.md td{border:1px solid var(--bd);padding:.3rem .65rem}
.md th{background:var(--sf)}
.md hr{border:0;border-top:1px solid var(--bd)}
details{margin:.5rem 0;border:1px solid var(--bd);border-radius:6px}
summary{cursor:pointer;padding:.3rem .7rem;font-size:.875rem;color:var(--mut);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
details[open]>summary{border-bottom:1px solid var(--bd)}
details>pre,details>.empty{margin:.6rem .7rem}
.kind{font-weight:600;color:var(--fg)}
.tool .kind{color:var(--t)}.error .kind{color:var(--er)}
.name{color:var(--fg)}
details.more{border:0;margin:-.3rem .7rem .6rem}
details>details.more{margin:-.3rem .7rem .6rem}
.md details.more,.msg-body>details.more{margin:0 0 .5rem}
details.more>summary{padding:.1rem 0;color:var(--a);border:0}
details.more>pre{margin:.3rem 0 0}
.empty{color:var(--mut);font-style:italic}
.foot{margin-top:2rem;padding-top:1rem;border-top:1px solid var(--bd);color:var(--mut);font-size:.8125rem}
.status{font-size:3rem;font-weight:700;color:var(--mut);margin:0}
nav.app{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center;font-size:.875rem;margin:.2rem 0 .6rem}
h2{font-size:1.2rem;margin:1.6rem 0 .5rem}
form{margin:.5rem 0}form.inline{display:inline;margin:0 0 0 .5rem}
fieldset{border:1px solid var(--bd);border-radius:6px;margin:.6rem 0;padding:.4rem .8rem}
label{display:block;margin:.25rem 0}fieldset label{margin:.15rem 0}
input,select,button{font:inherit;color:var(--fg)}
input[type=text],input[type=search],input[type=password],select{padding:.25rem .45rem;border:1px solid var(--bd);border-radius:6px;background:var(--bg)}
input.link{display:block;width:100%;margin:.3rem 0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875rem}
button{padding:.25rem .8rem;border:1px solid var(--bd);border-radius:6px;background:var(--sf);cursor:pointer}
button.danger{color:var(--er);border-color:var(--er)}
ul.tasks{list-style:none;padding:0;margin:.5rem 0}ul.tasks>li{padding:.6rem 0;border-bottom:1px solid var(--bd)}
@media (max-width:480px){.wrap{padding:1rem .75rem 2rem}h1{font-size:1.375rem}.msg{padding-left:.7rem}.r-user{padding-right:.7rem}pre{padding:.5rem .6rem}details>pre{margin:.5rem}}
@media print{:root{--bg:#fff;--fg:#000;--mut:#444;--bd:#aaa;--sf:#fff;--ubg:#fff;--a:#000}body{font-size:10.5pt}.wrap{max-width:none;padding:0}pre{white-space:pre-wrap;overflow-wrap:anywhere}.msg,summary,h1{break-inside:avoid}.md a[href^="http"]::after{content:" <" attr(href) ">";color:var(--mut)}summary{white-space:normal}.n{display:none}}
)css";

std::string ComputeCspSource() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_len = 0;
  if (EVP_Digest(kStylesheet.data(), kStylesheet.size(), digest.data(), &digest_len, EVP_sha256(), nullptr) !=
      1) {
    return "'none'";
  }
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> base64{};
  const int n = EVP_EncodeBlock(base64.data(), digest.data(), static_cast<int>(digest_len));
  return "'sha256-" + std::string(reinterpret_cast<const char*>(base64.data()), static_cast<size_t>(n)) + "'";
}

}  // namespace

std::string_view Stylesheet() { return kStylesheet; }

const std::string& StyleCspSource() {
  static const std::string source = ComputeCspSource();
  return source;
}

}  // namespace taskshare::web
