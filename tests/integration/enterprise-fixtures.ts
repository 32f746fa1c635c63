import { TEST_PASSWORD } from '../helpers/test-service.ts';

/** Nested regions (晋城市 → 泽州县 → 南村镇, and 外县 beside) with an enterprise and users at each level. */
const user = (username: string, role: string, tenancy: Record<string, string>) => ({
  username,
  displayName: username,
  role,
  password: TEST_PASSWORD,
  ...tenancy,
});

export const NESTED = {
  regions: [
    { id: 'jincheng', name: '晋城市' },
    { id: 'zezhou', name: '泽州县', parent: 'jincheng' },
    { id: 'nancun', name: '南村镇', parent: 'zezhou' },
    { id: 'other-county', name: '外县' },
  ],
  enterprises: [
    { id: 'ent-a', name: '甲钢铁', regionId: 'zezhou' },
    { id: 'ent-b', name: '乙铸造', regionId: 'zezhou', industry: '机械' },
    { id: 'ent-c', name: '丙冶金', regionId: 'other-county' },
    { id: 'ent-d', name: '丁建材', regionId: 'nancun', industry: '建材' },
  ],
  users: [
    user('safety-a', 'safety_officer', { enterpriseId: 'ent-a' }),
    user('admin-a', 'enterprise_admin', { enterpriseId: 'ent-a' }),
    user('admin-b', 'enterprise_admin', { enterpriseId: 'ent-b' }),
    user('admin-d', 'enterprise_admin', { enterpriseId: 'ent-d' }),
    user('regulator-city', 'regulator', { regionId: 'jincheng' }),
    user('regulator-z', 'regulator', { regionId: 'zezhou' }),
    user('regulator-town', 'regulator', { regionId: 'nancun' }),
    user('regulator-o', 'regulator', { regionId: 'other-county' }),
  ],
};
