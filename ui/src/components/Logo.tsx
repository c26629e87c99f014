export function Logo({ size = 28 }: { size?: number }) {
  return <img className="logo" src="/logo-128.png" width={size} height={size} alt="" aria-hidden="true" />;
}
